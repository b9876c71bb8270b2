import {
  Alert,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { ApiError, api, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { hint } from './hint.js';
import { OrgPage, type OrgContext } from './org-frame.js';
import { keys, useTenant } from './queries.js';

type Tenant = components['schemas']['TenantDto'];
type Provider = Tenant['settings']['allowedIdentityProviders'][number];
type Redemption = Tenant['settings']['invitationRedemption'];
type PasswordRule = 'requireUppercase' | 'requireLowercase' | 'requireDigit' | 'requireSymbol';
const PROVIDERS: Provider[] = ['any', 'password', 'google', 'microsoft', 'oidc'];
const PASSWORD_RULES: PasswordRule[] = [
  'requireUppercase',
  'requireLowercase',
  'requireDigit',
  'requireSymbol',
];

/** The organization's settings (Administrators): PATCH /api/v1/tenants/{id}. */
export function SettingsPage() {
  return <OrgPage>{(org) => <Settings org={org} />}</OrgPage>;
}

function Settings({ org }: { org: OrgContext }) {
  const tenant = useTenant(org.tenantId);
  return (
    <Stack gap="md" py="md" maw={640}>
      <Title order={1}>{t('org.settings.title')}</Title>
      {!org.can.manageSettings && <Text>{t('org.settings.adminOnly')}</Text>}
      <ProblemAlert error={tenant.error} />
      {tenant.data && <SettingsForm key={tenant.data.id} tenant={tenant.data} />}
    </Stack>
  );
}

function SettingsForm({ tenant }: { tenant: Tenant }) {
  const queries = useQueryClient();
  const s = tenant.settings;
  const [name, setName] = useState(tenant.name);
  const [ttlDays, setTtlDays] = useState<number | string>(s.invitationTtlDays);
  const [maxMembers, setMaxMembers] = useState<number | string>(s.maxMembers);
  const [mfaRequired, setMfaRequired] = useState(s.mfaRequired);
  const [providers, setProviders] = useState<Provider[]>(s.allowedIdentityProviders);
  const [sessionTtl, setSessionTtl] = useState<number | string>(s.sessionTtlMinutes);
  const [entraTenants, setEntraTenants] = useState<string[]>(s.allowedEntraTenantIds);
  const [redemption, setRedemption] = useState<Redemption>(s.invitationRedemption);
  const [minLength, setMinLength] = useState<number | string>(s.passwordPolicy.minLength);
  const [preventReuse, setPreventReuse] = useState<number | string>(s.passwordPolicy.preventReuse);
  const [rules, setRules] = useState<PasswordRule[]>(
    PASSWORD_RULES.filter((r) => s.passwordPolicy[r]),
  );
  const [logsEnabled, setLogsEnabled] = useState(s.decisionLogs.enabled);
  const [sampleRate, setSampleRate] = useState<number | string>(s.decisionLogs.sampleRate);
  const [retention, setRetention] = useState<number | string>(s.decisionLogs.retentionDays);
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (confirm: boolean) =>
      call(() =>
        api.PATCH('/api/v1/tenants/{tenantId}', {
          params: { path: { tenantId: tenant.id } },
          body: {
            name: name.trim(),
            settings: {
              allowedEntraTenantIds: entraTenants,
              invitationRedemption: redemption,
              passwordPolicy: {
                minLength: Number(minLength),
                preventReuse: Number(preventReuse),
                requireUppercase: rules.includes('requireUppercase'),
                requireLowercase: rules.includes('requireLowercase'),
                requireDigit: rules.includes('requireDigit'),
                requireSymbol: rules.includes('requireSymbol'),
              },
              allowedIdentityProviders: providers,
              invitationTtlDays: Number(ttlDays),
              maxMembers: Number(maxMembers),
              mfaRequired,
              sessionTtlMinutes: Number(sessionTtl),
              decisionLogs: {
                enabled: logsEnabled,
                sampleRate: Number(sampleRate),
                retentionDays: Number(retention),
              },
            },
            ...(confirm ? { confirm: true } : {}),
          },
        }),
      ),
    onSuccess: async (updated) => {
      setSaved(true);
      queries.setQueryData(keys.tenant(tenant.id), updated);
      await queries.invalidateQueries({ queryKey: ['me'] });
      await queries.invalidateQueries({ queryKey: keys.limits(tenant.id) });
    },
  });
  const lockout = save.error instanceof ApiError && save.error.code === 'sign_in_policy_lockout';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate(false);
  };
  // "Any" allows every method: it stands alone, as the server requires.
  const pick = (next: string[]) => {
    const list = next as Provider[];
    const added = list.find((p) => !providers.includes(p));
    if (added === 'any') setProviders(['any']);
    else setProviders(list.filter((p) => p !== 'any'));
  };

  return (
    <Paper withBorder p="lg">
      <form onSubmit={submit} aria-label={t('org.settings.title')}>
        <Stack gap="md">
          <TextInput
            label={t('org.settings.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <NumberInput
            label={t('org.settings.invitationTtlDays')}
            min={1}
            max={365}
            allowDecimal={false}
            value={ttlDays}
            onChange={setTtlDays}
          />
          <NumberInput
            label={t('org.settings.maxMembers')}
            description={hint(t('org.settings.maxMembersHelp'))}
            min={1}
            allowDecimal={false}
            value={maxMembers}
            onChange={setMaxMembers}
          />
          <Switch
            label={t('org.settings.mfaRequired')}
            checked={mfaRequired}
            onChange={(e) => setMfaRequired(e.currentTarget.checked)}
          />
          <Checkbox.Group label={t('org.settings.providers')} value={providers} onChange={pick}>
            <Group mt="xs">
              {PROVIDERS.map((p) => (
                <Checkbox key={p} value={p} label={t(`org.settings.providers.${p}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          {(providers.includes('microsoft') || entraTenants.length > 0) && (
            <TagsInput
              label={t('org.settings.entraTenants')}
              description={hint(t('org.settings.entraTenantsHelp'))}
              value={entraTenants}
              onChange={setEntraTenants}
              splitChars={[',', ' ']}
              clearable
            />
          )}
          <Select
            label={t('org.settings.redemption')}
            description={hint(t('org.settings.redemptionHelp'))}
            data={[
              { value: 'invitee', label: t('org.settings.redemption.invitee') },
              { value: 'anyone_with_link', label: t('org.settings.redemption.anyone') },
            ]}
            value={redemption}
            onChange={(v) => v && setRedemption(v)}
            allowDeselect={false}
          />
          <Group grow align="start">
            <NumberInput
              label={t('org.settings.passwordMinLength')}
              min={8}
              max={128}
              allowDecimal={false}
              value={minLength}
              onChange={setMinLength}
            />
            <NumberInput
              label={t('org.settings.passwordPreventReuse')}
              description={hint(t('org.settings.passwordPreventReuseHelp'))}
              min={0}
              max={24}
              allowDecimal={false}
              value={preventReuse}
              onChange={setPreventReuse}
            />
          </Group>
          <Checkbox.Group
            label={t('org.settings.passwordRules')}
            value={rules}
            onChange={(next) => setRules(next)}
          >
            <Group mt="xs">
              {PASSWORD_RULES.map((r) => (
                <Checkbox key={r} value={r} label={t(`org.settings.password.${r}`)} />
              ))}
            </Group>
          </Checkbox.Group>
          <NumberInput
            label={t('org.settings.sessionTtlMinutes')}
            min={1}
            allowDecimal={false}
            value={sessionTtl}
            onChange={setSessionTtl}
          />
          <Switch
            label={t('org.settings.decisionLogs')}
            description={hint(t('org.settings.decisionLogsHelp'))}
            checked={logsEnabled}
            onChange={(e) => setLogsEnabled(e.currentTarget.checked)}
          />
          <Group grow align="start">
            <NumberInput
              label={t('org.settings.decisionLogSampleRate')}
              description={hint(t('org.settings.decisionLogSampleRateHelp'))}
              min={0}
              max={1}
              step={0.1}
              decimalScale={4}
              value={sampleRate}
              onChange={setSampleRate}
            />
            <NumberInput
              label={t('org.settings.decisionLogRetentionDays')}
              min={1}
              max={365}
              allowDecimal={false}
              value={retention}
              onChange={setRetention}
            />
          </Group>
          {lockout ? (
            <Alert color="red" variant="light" role="alert" title={t('org.settings.lockoutTitle')}>
              <Stack gap="sm">
                <Text size="sm">{save.error?.message}</Text>
                <Group>
                  <Button color="red" loading={save.isPending} onClick={() => save.mutate(true)}>
                    {t('org.settings.saveAnyway')}
                  </Button>
                  <Button variant="default" onClick={() => save.reset()}>
                    {t('common.cancel')}
                  </Button>
                </Group>
              </Stack>
            </Alert>
          ) : (
            <ProblemAlert error={save.error} />
          )}
          {saved && (
            <Text role="status" c="green.9">
              {t('org.settings.saved')}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending && !lockout}>
              {t('common.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
