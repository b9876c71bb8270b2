import {
  Alert,
  Badge,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CopyValue } from '../../components/copy-value.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { formatDateTime, Section } from '../../components/section.js';
import { t } from '../../i18n/i18n.js';

type PersonalKey = components['schemas']['PersonalKeyDto'];

const QUERY_KEY = ['personal-keys'];
const EXPIRIES = ['never', '30', '90', '365'] as const;
type Expiry = (typeof EXPIRIES)[number];

function expiresAt(expiry: Expiry): string | undefined {
  if (expiry === 'never') return undefined;
  return new Date(Date.now() + Number(expiry) * 24 * 60 * 60 * 1000).toISOString();
}

function expiryLabel(expiry: Expiry): string {
  return expiry === 'never' ? t('apiKeys.noExpiry') : t('apiKeys.days', { days: expiry });
}

/**
 * Personal API keys: they act as the person, everywhere the person may act. The key is in the
 * creation's answer only, shown here once; creating one takes a real sign-in (the server refuses
 * a request made with a personal key, session_required, and says so in place).
 */
export function ApiKeysSection() {
  const queries = useQueryClient();
  const keys = useQuery({
    queryKey: QUERY_KEY,
    queryFn: () => call(() => api.GET('/api/v1/me/api-keys')),
  });
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState<Expiry>('90');
  const [created, setCreated] = useState<{ name: string; key: string } | null>(null);
  const [revoking, setRevoking] = useState<PersonalKey | null>(null);
  const create = useMutation({
    mutationFn: () =>
      call(() => api.POST('/api/v1/me/api-keys', { body: { name, expiresAt: expiresAt(expiry) } })),
    onSuccess: async (answer) => {
      setCreated({ name: answer.name, key: answer.key });
      setName('');
      await queries.invalidateQueries({ queryKey: QUERY_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (keyId: string) =>
      call(() => api.DELETE('/api/v1/me/api-keys/{keyId}', { params: { path: { keyId } } })),
    onSuccess: async () => {
      setRevoking(null);
      await queries.invalidateQueries({ queryKey: QUERY_KEY });
    },
  });
  function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    create.mutate();
  }
  const rows = keys.data?.data ?? [];
  const now = Date.now();
  return (
    <Section title={t('apiKeys.title')}>
      <Text size="sm">{t('apiKeys.help')}</Text>
      <form onSubmit={submit} aria-label={t('apiKeys.createTitle')}>
        <Stack gap="sm">
          <Group align="end">
            <TextInput
              label={t('apiKeys.name')}
              required
              maxLength={100}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
            />
            <Select
              label={t('apiKeys.expires')}
              data={EXPIRIES.map((value) => ({ value, label: expiryLabel(value) }))}
              value={expiry}
              onChange={(value) => value && setExpiry(value)}
              allowDeselect={false}
              comboboxProps={{ withinPortal: true }}
            />
            <Button type="submit" loading={create.isPending}>
              {t('apiKeys.create')}
            </Button>
          </Group>
          <ProblemAlert error={create.error} />
        </Stack>
      </form>
      {created && (
        <Alert
          color="green"
          variant="light"
          title={t('apiKeys.shownOnce', { name: created.name })}
          // Not an alert (nothing went wrong): a region, named by its title.
          role="region"
        >
          <Stack gap="xs">
            <Code block data-testid="personal-key" style={{ wordBreak: 'break-all' }}>
              {created.key}
            </Code>
            <Group>
              <CopyValue value={created.key} label={t('apiKeys.copy')} size="xs" />
              <Button size="xs" variant="subtle" onClick={() => setCreated(null)}>
                {t('apiKeys.savedKey')}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}
      <ProblemAlert error={keys.error} />
      {rows.length === 0 && keys.isSuccess ? (
        <Text size="sm">{t('apiKeys.none')}</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label={t('apiKeys.title')}>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('apiKeys.name')}</Table.Th>
                <Table.Th>{t('apiKeys.prefix')}</Table.Th>
                <Table.Th>{t('apiKeys.created')}</Table.Th>
                <Table.Th>{t('apiKeys.expires')}</Table.Th>
                <Table.Th>{t('apiKeys.lastUsed')}</Table.Th>
                <Table.Th>{t('apiKeys.actions')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <Code>{key.prefix}</Code>
                  </Table.Td>
                  <Table.Td>{formatDateTime(key.createdAt)}</Table.Td>
                  <Table.Td>
                    {key.expiresAt === null ? (
                      t('apiKeys.noExpiry')
                    ) : new Date(key.expiresAt).getTime() <= now ? (
                      <Badge color="dark" variant="outline">
                        {t('apiKeys.expired')}
                      </Badge>
                    ) : (
                      formatDateTime(key.expiresAt)
                    )}
                  </Table.Td>
                  <Table.Td>
                    {key.lastUsedAt ? formatDateTime(key.lastUsedAt) : t('apiKeys.never')}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      color="red"
                      variant="light"
                      aria-label={t('apiKeys.revokeOne', { name: key.name })}
                      onClick={() => {
                        revoke.reset();
                        setRevoking(key);
                      }}
                    >
                      {t('apiKeys.revoke')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <ConfirmDialog
        opened={revoking !== null}
        title={t('apiKeys.revokeTitle')}
        text={t('apiKeys.revokeConfirm', { name: revoking?.name ?? '' })}
        confirmLabel={t('apiKeys.revoke')}
        busy={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(null)}
      />
    </Section>
  );
}
