import {
  Alert,
  Button,
  Chip,
  Code,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, ApiError, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { OrgPage } from '../organization/org-frame.js';

type Day = components['schemas']['TimeConditionDto']['days'][number];
const DAYS: Day[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** IP ranges and time windows, with the lockout confirmation the server asks for. */
export function AccessRulesPage() {
  return <OrgPage>{(org) => <AccessRules tenantId={org.tenantId} />}</OrgPage>;
}

function AccessRules({ tenantId }: { tenantId: string }) {
  const queries = useQueryClient();
  const queryKey = ['access-rules', tenantId];
  const rules = useQuery({
    queryKey,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/access-rules', { params: { path: { tenantId } } }),
      ),
  });
  const [name, setName] = useState('');
  const [effect, setEffect] = useState<'allow' | 'deny'>('allow');
  const [cidrs, setCidrs] = useState('');
  const [days, setDays] = useState<Day[]>([]);
  const [start, setStart] = useState('09:00');
  const [end, setEnd] = useState('18:00');
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const create = useMutation({
    mutationFn: (confirm: boolean) =>
      call(() =>
        api.POST('/api/v1/tenants/{tenantId}/access-rules', {
          params: { path: { tenantId } },
          body: {
            name,
            effect,
            ...(cidrs.trim()
              ? {
                  ip: {
                    cidrs: cidrs
                      .split(',')
                      .map((c) => c.trim())
                      .filter(Boolean),
                  },
                }
              : {}),
            ...(days.length > 0 ? { time: { days, start, end, timezone } } : {}),
            ...(confirm ? { confirm: true } : {}),
          },
        }),
      ),
    onSuccess: async () => {
      setName('');
      setCidrs('');
      setDays([]);
      await queries.invalidateQueries({ queryKey });
    },
  });
  const remove = useMutation({
    mutationFn: (ruleId: string) =>
      call(() =>
        api.DELETE('/api/v1/tenants/{tenantId}/access-rules/{ruleId}', {
          params: { path: { tenantId, ruleId } },
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey }),
  });
  const lockout = create.error instanceof ApiError && create.error.code === 'access_rule_lockout';
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(false);
  };
  const list = rules.data?.data ?? [];
  return (
    <>
      {
        <Stack gap="lg">
          <Title order={1}>{t('accessRules.title')}</Title>
          <ProblemAlert error={rules.error ?? remove.error} />
          {rules.isSuccess && list.length === 0 && <Text>{t('accessRules.none')}</Text>}
          {list.length > 0 && (
            <Table withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('accessRules.name')}</Table.Th>
                  <Table.Th>{t('accessRules.effect')}</Table.Th>
                  <Table.Th>{t('accessRules.cidrs')}</Table.Th>
                  <Table.Th>{t('accessRules.days')}</Table.Th>
                  <Table.Th>{t('accessRules.delete')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {list.map((rule) => (
                  <Table.Tr key={rule.id}>
                    <Table.Td>{rule.name}</Table.Td>
                    <Table.Td>
                      {rule.effect === 'allow' ? t('accessRules.allow') : t('accessRules.deny')}
                    </Table.Td>
                    <Table.Td>
                      <Code>{rule.ip?.cidrs.join(', ') ?? '—'}</Code>
                    </Table.Td>
                    <Table.Td>
                      {rule.time
                        ? `${rule.time.days.join(' ')} ${rule.time.start}–${rule.time.end} ${rule.time.timezone}`
                        : '—'}
                    </Table.Td>
                    <Table.Td>
                      <Button
                        size="xs"
                        color="red"
                        variant="light"
                        aria-label={`${t('accessRules.delete')} ${rule.name}`}
                        onClick={() => remove.mutate(rule.id)}
                      >
                        {t('accessRules.delete')}
                      </Button>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          <Paper withBorder p="md">
            <form onSubmit={submit} aria-label={t('accessRules.create')}>
              <Stack gap="sm">
                <Title order={2} size="h3">
                  {t('accessRules.create')}
                </Title>
                <Group grow align="end">
                  <TextInput
                    label={t('accessRules.name')}
                    required
                    value={name}
                    onChange={(e) => setName(e.currentTarget.value)}
                  />
                  <SegmentedControl
                    aria-label={t('accessRules.effect')}
                    value={effect}
                    onChange={(v) => setEffect(v)}
                    data={[
                      { value: 'allow', label: t('accessRules.allow') },
                      { value: 'deny', label: t('accessRules.deny') },
                    ]}
                  />
                </Group>
                <TextInput
                  label={t('accessRules.cidrs')}
                  placeholder="203.0.113.0/24, 2001:db8::/32"
                  value={cidrs}
                  onChange={(e) => setCidrs(e.currentTarget.value)}
                />
                <Text size="sm" fw={500} id="access-rule-days">
                  {t('accessRules.days')}
                </Text>
                <Chip.Group multiple value={days} onChange={(v) => setDays(v)}>
                  <Group gap="xs" role="group" aria-labelledby="access-rule-days">
                    {DAYS.map((d) => (
                      <Chip key={d} value={d}>
                        {d}
                      </Chip>
                    ))}
                  </Group>
                </Chip.Group>
                <Group grow>
                  <TextInput
                    label={t('accessRules.start')}
                    value={start}
                    onChange={(e) => setStart(e.currentTarget.value)}
                  />
                  <TextInput
                    label={t('accessRules.end')}
                    value={end}
                    onChange={(e) => setEnd(e.currentTarget.value)}
                  />
                  <TextInput
                    label={t('accessRules.timezone')}
                    value={timezone}
                    onChange={(e) => setTimezone(e.currentTarget.value)}
                  />
                </Group>
                {lockout ? (
                  <Alert color="orange" title={t('accessRules.lockout')}>
                    <Group>
                      <Text size="sm">{create.error?.message}</Text>
                      <Button color="red" onClick={() => create.mutate(true)}>
                        {t('accessRules.saveAnyway')}
                      </Button>
                    </Group>
                  </Alert>
                ) : (
                  <ProblemAlert error={create.error} />
                )}
                <Group>
                  <Button type="submit" loading={create.isPending}>
                    {t('accessRules.create')}
                  </Button>
                </Group>
              </Stack>
            </form>
          </Paper>
        </Stack>
      }
    </>
  );
}
