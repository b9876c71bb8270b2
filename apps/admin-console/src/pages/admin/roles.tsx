import {
  Badge,
  Button,
  Code,
  Group,
  Paper,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState, type FormEvent } from 'react';
import { validatePermissionRules } from '../../../../../libs/policy/src/permission-rules.js';
import { api, ApiError, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { OrgPage } from '../organization/org-frame.js';

type Role = components['schemas']['RoleDto'];
const EXAMPLE = JSON.stringify([{ action: 'read', subject: 'Member' }], null, 2);

function RuleList({ role }: { role: Role }) {
  return (
    <Stack gap={2}>
      {role.permissions.map((rule, i) => (
        <Code key={i} block={false}>
          {rule.inverted ? 'cannot ' : ''}
          {[rule.action].flat().join(',')} {[rule.subject].flat().join(',')}
          {rule.conditions ? ` if ${JSON.stringify(rule.conditions)}` : ''}
        </Code>
      ))}
    </Stack>
  );
}

/** The built-in roles' rules and the organization's custom roles, with a rule editor. */
export function RolesPage() {
  return <OrgPage>{(org) => <Roles tenantId={org.tenantId} />}</OrgPage>;
}

function Roles({ tenantId }: { tenantId: string }) {
  const queries = useQueryClient();
  const queryKey = ['roles', tenantId];
  const roles = useQuery({
    queryKey,
    queryFn: () =>
      call(() => api.GET('/api/v1/tenants/{tenantId}/roles', { params: { path: { tenantId } } })),
  });
  const [key, setKey] = useState('');
  const [name, setName] = useState('');
  const [rules, setRules] = useState(EXAMPLE);
  const [deleting, setDeleting] = useState<Role | null>(null);
  // The server's own check (libs/policy), run as the rules are typed.
  const checked = useMemo(() => checkRules(rules), [rules]);
  const create = useMutation({
    mutationFn: () => {
      if ('problem' in checked) throw new ApiError(400, checked.problem);
      const permissions = checked.permissions;
      return call(() =>
        api.POST('/api/v1/tenants/{tenantId}/roles', {
          params: { path: { tenantId } },
          body: { key, name, permissions },
        }),
      );
    },
    onSuccess: async () => {
      setKey('');
      setName('');
      await queries.invalidateQueries({ queryKey });
    },
  });
  const remove = useMutation({
    mutationFn: (roleKey: string) =>
      call(() =>
        api.DELETE('/api/v1/tenants/{tenantId}/roles/{roleKey}', {
          params: { path: { tenantId, roleKey } },
        }),
      ),
    onSuccess: async () => {
      setDeleting(null);
      await queries.invalidateQueries({ queryKey });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate();
  };
  const fieldErrors = create.error instanceof ApiError ? (create.error.problem.errors ?? []) : [];
  return (
    <>
      {
        <>
          <Stack gap="lg">
            <Title order={1}>{t('roles.title')}</Title>
            <ProblemAlert error={roles.error ?? remove.error} />
            <Table withTableBorder>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('roles.name')}</Table.Th>
                  <Table.Th>{t('roles.key')}</Table.Th>
                  <Table.Th>{t('roles.rules')}</Table.Th>
                  <Table.Th>{t('roles.delete')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {(roles.data?.data ?? []).map((role) => (
                  <Table.Tr key={role.key}>
                    <Table.Td>
                      <Group gap="xs">
                        <Text>{role.name}</Text>
                        <Badge variant="outline" color="gray">
                          {role.builtIn ? t('roles.builtIn') : t('roles.custom')}
                        </Badge>
                      </Group>
                    </Table.Td>
                    <Table.Td>
                      <Code>{role.key}</Code>
                    </Table.Td>
                    <Table.Td>
                      <RuleList role={role} />
                    </Table.Td>
                    <Table.Td>
                      {!role.builtIn && (
                        <Button
                          size="xs"
                          color="red"
                          variant="light"
                          aria-label={`${t('roles.delete')} ${role.name}`}
                          onClick={() => setDeleting(role)}
                        >
                          {t('roles.delete')}
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Paper withBorder p="md">
              <form onSubmit={submit} aria-label={t('roles.create')}>
                <Stack gap="sm">
                  <Title order={2} size="h3">
                    {t('roles.create')}
                  </Title>
                  <Group grow>
                    <TextInput
                      label={t('roles.key')}
                      required
                      placeholder="auditor"
                      value={key}
                      onChange={(e) => setKey(e.currentTarget.value.trim())}
                    />
                    <TextInput
                      label={t('roles.name')}
                      required
                      placeholder="Auditor"
                      value={name}
                      onChange={(e) => setName(e.currentTarget.value)}
                    />
                  </Group>
                  <Textarea
                    label={t('roles.permissions')}
                    description={t('roles.permissionsHelp')}
                    autosize
                    minRows={5}
                    styles={{ input: { fontFamily: 'monospace' } }}
                    value={rules}
                    onChange={(e) => setRules(e.currentTarget.value)}
                  />
                  {!create.error && 'problem' in checked && (
                    <Text size="sm" c="gray.7" role="status">
                      {t('roles.liveCheck', { count: checked.problem.errors?.length || 1 })}
                    </Text>
                  )}
                  <ProblemAlert error={create.error} />
                  {fieldErrors.map((f) => (
                    <Text key={`${f.field}${f.message}`} size="sm" c="red.9">
                      <Code>{f.field}</Code> {f.message}
                    </Text>
                  ))}
                  <Group>
                    <Button type="submit" loading={create.isPending}>
                      {t('roles.create')}
                    </Button>
                  </Group>
                </Stack>
              </form>
            </Paper>
          </Stack>
          <ConfirmDialog
            opened={deleting !== null}
            title={t('roles.delete')}
            text={t('roles.deleteConfirm', { name: deleting?.name ?? '' })}
            confirmLabel={t('roles.delete')}
            busy={remove.isPending}
            error={remove.error}
            onConfirm={() => deleting && remove.mutate(deleting.key)}
            onClose={() => setDeleting(null)}
          />
        </>
      }
    </>
  );
}

/** The rules as typed: parsed and checked with the server's own validator, or what is wrong. */
function checkRules(
  text: string,
):
  | { permissions: Record<string, unknown>[] }
  | { problem: ConstructorParameters<typeof ApiError>[1] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return {
      problem: { detail: t('roles.badJson', { message: e instanceof Error ? e.message : '' }) },
    };
  }
  const errors = validatePermissionRules(parsed);
  if (errors.length > 0)
    return { problem: { detail: t('roles.invalidRules'), code: 'validation_failed', errors } };
  return { permissions: parsed as Record<string, unknown>[] };
}
