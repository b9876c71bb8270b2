import {
  Badge,
  Button,
  Code,
  Group,
  List,
  PasswordInput,
  Stack,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { CopyValue } from '../../components/copy-value.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { passwordProblem, readableDescription } from './password-problem.js';
import { Section } from '../../components/section.js';
import { TotpQrCode } from './profile-totp-qr.js';

type Profile = components['schemas']['ProfileDto'];

export function PasswordSection() {
  const queries = useQueryClient();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: () =>
      call(() => api.POST('/api/v1/me/password', { body: { currentPassword, newPassword } })),
    onSuccess: async () => {
      setCurrent('');
      setNew('');
      await queries.invalidateQueries({ queryKey: ['sessions'] });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    change.mutate();
  }
  const weak = passwordProblem(change.error);
  return (
    <Section title={t('profile.password')}>
      <form onSubmit={submit}>
        <Stack gap="sm">
          <PasswordInput
            label={t('profile.currentPassword')}
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(e) => setCurrent(e.currentTarget.value)}
          />
          <PasswordInput
            label={t('profile.newPassword')}
            description={t('account.passwordHelp')}
            styles={readableDescription}
            autoComplete="new-password"
            required
            value={newPassword}
            error={weak}
            onChange={(e) => setNew(e.currentTarget.value)}
          />
          {!weak && <ProblemAlert error={change.error} />}
          {change.isSuccess && (
            <Text role="status" size="sm">
              {t('profile.passwordChanged')}
            </Text>
          )}
          <Group>
            <Button type="submit" loading={change.isPending}>
              {t('profile.changePassword')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Section>
  );
}

/**
 * TOTP enrolment: the otpauth URI as a QR code for the authenticator app, and it and its secret as
 * text to type in; confirmed with a code; the ten recovery codes are shown this once.
 */
export function MfaSection({ profile }: { profile: Profile }) {
  const queries = useQueryClient();
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const enrol = useMutation({
    mutationFn: () => call(() => api.POST('/api/v1/me/mfa/totp')),
  });
  const confirm = useMutation({
    mutationFn: () => call(() => api.POST('/api/v1/me/mfa/totp/confirm', { body: { code } })),
    onSuccess: async (answer) => {
      setRecoveryCodes(answer.recoveryCodes);
      setCode('');
      enrol.reset();
      await queries.invalidateQueries({ queryKey: ['me'] });
    },
  });
  const disable = useMutation({
    mutationFn: () => call(() => api.DELETE('/api/v1/me/mfa/totp', { body: { code } })),
    onSuccess: async () => {
      setCode('');
      setRecoveryCodes(null);
      await queries.invalidateQueries({ queryKey: ['me'] });
    },
  });

  function submitConfirm(event: FormEvent) {
    event.preventDefault();
    confirm.mutate();
  }
  function submitDisable(event: FormEvent) {
    event.preventDefault();
    disable.mutate();
  }

  const codeInput = (label: string) => (
    <TextInput
      label={label}
      inputMode="numeric"
      autoComplete="one-time-code"
      required
      value={code}
      onChange={(e) => setCode(e.currentTarget.value.trim())}
    />
  );

  return (
    <Section title={t('mfa.title')}>
      <Group gap="sm">
        <Text>{t('mfa.status')}</Text>
        {profile.mfaEnabled ? (
          <Badge color="teal.9" variant="filled">
            {t('mfa.on')}
          </Badge>
        ) : (
          <Badge color="dark" variant="outline">
            {t('mfa.off')}
          </Badge>
        )}
      </Group>

      {recoveryCodes && (
        <Stack gap="xs" aria-label={t('mfa.recoveryTitle')} role="region">
          <Text fw={600}>{t('mfa.recoveryTitle')}</Text>
          <Text size="sm">{t('mfa.recoveryHelp')}</Text>
          <List aria-label={t('mfa.recoveryTitle')} spacing={2}>
            {recoveryCodes.map((c) => (
              <List.Item key={c}>
                <Code>{c}</Code>
              </List.Item>
            ))}
          </List>
          <Group>
            <CopyValue value={recoveryCodes.join('\n')} label={t('mfa.copyRecovery')} />
            <Button variant="subtle" onClick={() => setRecoveryCodes(null)}>
              {t('mfa.savedCodes')}
            </Button>
          </Group>
        </Stack>
      )}

      {!profile.mfaEnabled && !enrol.data && (
        <>
          <Text size="sm">{t('mfa.help')}</Text>
          <ProblemAlert error={enrol.error} />
          <Group>
            <Button loading={enrol.isPending} onClick={() => enrol.mutate()}>
              {t('mfa.enrol')}
            </Button>
          </Group>
        </>
      )}

      {!profile.mfaEnabled && enrol.data && (
        <form onSubmit={submitConfirm} aria-label={t('mfa.confirmTitle')}>
          <Stack gap="sm">
            <Text size="sm">{t('mfa.scan')}</Text>
            <TotpQrCode otpauthUri={enrol.data.otpauthUri} />
            <Text size="sm">{t('mfa.orType')}</Text>
            <Text size="sm" fw={600} id="mfa-secret-label">
              {t('mfa.secret')}
            </Text>
            <Group gap="xs">
              <Code aria-labelledby="mfa-secret-label" data-testid="mfa-secret">
                {enrol.data.secret}
              </Code>
              <CopyValue value={enrol.data.secret} label={t('mfa.copySecret')} size="xs" />
            </Group>
            <Text size="sm" fw={600} id="mfa-uri-label">
              {t('mfa.uri')}
            </Text>
            <Code
              block
              aria-labelledby="mfa-uri-label"
              data-testid="mfa-uri"
              style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}
            >
              {enrol.data.otpauthUri}
            </Code>
            {codeInput(t('mfa.code'))}
            <ProblemAlert error={confirm.error} />
            <Group>
              <Button type="submit" loading={confirm.isPending}>
                {t('mfa.confirm')}
              </Button>
              <Button variant="subtle" onClick={() => enrol.reset()}>
                {t('common.cancel')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}

      {profile.mfaEnabled && !recoveryCodes && (
        <form onSubmit={submitDisable} aria-label={t('mfa.disableTitle')}>
          <Stack gap="sm">
            <Text size="sm">{t('mfa.disableHelp')}</Text>
            {codeInput(t('mfa.disableCode'))}
            <ProblemAlert error={disable.error} />
            <Group>
              <Button type="submit" color="red" variant="light" loading={disable.isPending}>
                {t('mfa.disable')}
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Section>
  );
}
