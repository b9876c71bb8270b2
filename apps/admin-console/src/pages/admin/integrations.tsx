import {
  Alert,
  Button,
  Code,
  Group,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { CopyValue } from '../../components/copy-value.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { formatDateTime, Section } from '../../components/section.js';
import { t } from '../../i18n/i18n.js';
import { OrgPage } from '../organization/org-frame.js';

interface Credential {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  role?: string;
}

/** How one kind of credential (SCIM tokens, API keys) is listed, created and revoked. */
interface CredentialKind {
  key: 'scim' | 'keys';
  title: string;
  withRole: boolean;
  list(tenantId: string): Promise<Credential[]>;
  create(tenantId: string, name: string, role: string): Promise<string>;
  revoke(tenantId: string, id: string): Promise<unknown>;
}

const SCIM_TOKENS: CredentialKind = {
  key: 'scim',
  title: t('integrations.tokens'),
  withRole: false,
  list: async (tenantId) =>
    (
      await call(() =>
        api.GET('/api/v1/tenants/{tenantId}/scim-tokens', { params: { path: { tenantId } } }),
      )
    ).data,
  create: async (tenantId, name) =>
    (
      await call(() =>
        api.POST('/api/v1/tenants/{tenantId}/scim-tokens', {
          params: { path: { tenantId } },
          body: { name },
        }),
      )
    ).token,
  revoke: (tenantId, tokenId) =>
    call(() =>
      api.DELETE('/api/v1/tenants/{tenantId}/scim-tokens/{tokenId}', {
        params: { path: { tenantId, tokenId } },
      }),
    ),
};

const API_KEYS: CredentialKind = {
  key: 'keys',
  title: t('integrations.keys'),
  withRole: true,
  list: async (tenantId) =>
    (
      await call(() =>
        api.GET('/api/v1/tenants/{tenantId}/api-keys', { params: { path: { tenantId } } }),
      )
    ).data,
  create: async (tenantId, name, role) =>
    (
      await call(() =>
        api.POST('/api/v1/tenants/{tenantId}/api-keys', {
          params: { path: { tenantId } },
          body: { name, role },
        }),
      )
    ).key,
  revoke: (tenantId, keyId) =>
    call(() =>
      api.DELETE('/api/v1/tenants/{tenantId}/api-keys/{keyId}', {
        params: { path: { tenantId, keyId } },
      }),
    ),
};

function Credentials({ kind, tenantId }: { kind: CredentialKind; tenantId: string }) {
  const queries = useQueryClient();
  const queryKey = ['credentials', kind.key, tenantId];
  const list = useQuery({ queryKey, queryFn: () => kind.list(tenantId) });
  const [name, setName] = useState('');
  const [role, setRole] = useState<string | null>('member');
  const [secret, setSecret] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<Credential | null>(null);
  const create = useMutation({
    mutationFn: () => kind.create(tenantId, name, role ?? 'member'),
    onSuccess: async (value) => {
      setSecret(value);
      setName('');
      await queries.invalidateQueries({ queryKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => kind.revoke(tenantId, id),
    onSuccess: async () => {
      setRevoking(null);
      await queries.invalidateQueries({ queryKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  return (
    <Section title={kind.title}>
      <form onSubmit={submit} aria-label={`${t('integrations.create')} ${kind.title}`}>
        <Group align="end">
          <TextInput
            label={t('integrations.name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          {kind.withRole && (
            <Select
              label={t('integrations.role')}
              data={['admin', 'member', 'guest']}
              value={role}
              onChange={setRole}
              allowDeselect={false}
            />
          )}
          <Button type="submit" loading={create.isPending}>
            {t('integrations.create')}
          </Button>
        </Group>
      </form>
      <ProblemAlert error={create.error ?? list.error ?? revoke.error} />
      {secret && (
        <Alert color="green" title={t('integrations.shownOnce')}>
          <Group>
            <Code data-testid={`${kind.key}-secret`}>{secret}</Code>
            <CopyValue value={secret} size="xs" />
          </Group>
        </Alert>
      )}
      <Table withTableBorder>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('integrations.name')}</Table.Th>
            <Table.Th>{t('integrations.prefix')}</Table.Th>
            {kind.withRole && <Table.Th>{t('integrations.role')}</Table.Th>}
            <Table.Th>{t('integrations.created')}</Table.Th>
            <Table.Th>{t('integrations.lastUsed')}</Table.Th>
            <Table.Th>
              <VisuallyHidden>{t('integrations.revoke')}</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {(list.data ?? []).map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>
                <Code>{c.prefix}</Code>
              </Table.Td>
              {kind.withRole && <Table.Td>{c.role}</Table.Td>}
              <Table.Td>{formatDateTime(c.createdAt)}</Table.Td>
              <Table.Td>
                {c.lastUsedAt ? formatDateTime(c.lastUsedAt) : t('integrations.never')}
              </Table.Td>
              <Table.Td>
                <Button
                  size="xs"
                  color="red"
                  variant="light"
                  onClick={() => setRevoking(c)}
                  aria-label={`${t('integrations.revoke')} ${c.name}`}
                >
                  {t('integrations.revoke')}
                </Button>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <ConfirmDialog
        opened={revoking !== null}
        title={t('integrations.revoke')}
        text={t('integrations.revokeConfirm', { name: revoking?.name ?? '' })}
        confirmLabel={t('integrations.revoke')}
        busy={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(null)}
      />
    </Section>
  );
}

/** SCIM base URL and tokens, and the organization's API keys (each secret shown once). */
export function IntegrationsPage() {
  return <OrgPage>{(org) => <Integrations tenantId={org.tenantId} />}</OrgPage>;
}

function Integrations({ tenantId }: { tenantId: string }) {
  return (
    <>
      {
        <Stack gap="lg">
          <Title order={1}>{t('integrations.title')}</Title>
          <Section title={t('integrations.scim')}>
            <Text size="sm">{t('integrations.scimBase')}</Text>
            <Code data-testid="scim-base">{`${window.location.origin}/scim/v2`}</Code>
            <Text size="sm">{t('integrations.scimHelp')}</Text>
          </Section>
          <Credentials kind={SCIM_TOKENS} tenantId={tenantId} />
          <Credentials kind={API_KEYS} tenantId={tenantId} />
        </Stack>
      }
    </>
  );
}
