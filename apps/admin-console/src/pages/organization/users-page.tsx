import {
  Alert,
  Button,
  Center,
  Group,
  Loader,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMemo, useState } from 'react';
import { LoadMore } from '../../components/load-more.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { BUILT_IN_ROLES, roleName } from './capabilities.js';
import { InviteDialog } from './invite-dialog.js';
import { LimitsCard } from './limits-card.js';
import { COLUMNS, guardOf, MemberRow } from './member-row.js';
import { OrgPage, type OrgContext } from './org-frame.js';
import { UsersTabs } from './users-tabs.js';
import {
  useActiveAdmins,
  useMembers,
  useRoles,
  useTeamNames,
  type MemberFilters,
  type MemberStatus,
} from './queries.js';

/** Users (docs 000–004): the members with their role, status, teams and last activity. */
export function UsersPage() {
  return <OrgPage>{(org) => <Users org={org} />}</OrgPage>;
}

function Users({ org }: { org: OrgContext }) {
  const { tenantId, can } = org;
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [status, setStatus] = useState<MemberStatus | null>(null);
  const [role, setRole] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  const filters: MemberFilters = { q, status, role };

  const members = useMembers(tenantId, filters);
  const admins = useActiveAdmins(tenantId, can.manageMembers);
  const roles = useRoles(tenantId, can.readRoles);
  const teams = useTeamNames(tenantId, can.readTeams);

  const roleList = useMemo(
    () => roles.data ?? BUILT_IN_ROLES.map((key) => ({ key, name: roleName(key) })),
    [roles.data],
  );
  const roleNames = useMemo(() => new Map(roleList.map((r) => [r.key, r.name])), [roleList]);
  const rows = members.data?.pages.flatMap((page) => page.data) ?? [];
  const adminIds = admins.data ?? [];
  const lastAdmin = adminIds.length === 1 ? adminIds[0] : undefined;

  return (
    <Stack gap="md" py="md">
      <Group justify="space-between">
        <Title order={1}>{t('org.users.title')}</Title>
        {can.invite && <Button onClick={() => setInviting(true)}>{t('org.users.invite')}</Button>}
      </Group>
      <UsersTabs org={org} current="members" />
      {can.manageSettings && <LimitsCard tenantId={tenantId} />}
      {can.seesOnlySelf ? (
        <Alert variant="light" color="gray">
          {t('org.users.guestNote')}
        </Alert>
      ) : (
        <Group align="end" role="search">
          <TextInput
            label={t('org.users.search')}
            placeholder={t('org.users.searchPlaceholder')}
            type="search"
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            style={{ flex: 1, maxWidth: 360 }}
          />
          <Select
            label={t('org.users.statusFilter')}
            data={[
              { value: 'listed', label: t('org.users.statusListed') },
              { value: 'active', label: t('org.status.active') },
              { value: 'suspended', label: t('org.status.suspended') },
              { value: 'removed', label: t('org.status.removed') },
            ]}
            value={status ?? 'listed'}
            onChange={(v) => setStatus(v && v !== 'listed' ? v : null)}
            allowDeselect={false}
          />
          <Select
            label={t('org.users.roleFilter')}
            data={[
              { value: 'all', label: t('org.users.allRoles') },
              ...roleList.map((r) => ({ value: r.key, label: r.name })),
            ]}
            value={role ?? 'all'}
            onChange={(v) => setRole(v && v !== 'all' ? v : null)}
            allowDeselect={false}
          />
        </Group>
      )}
      {!can.manageMembers && !can.seesOnlySelf && (
        <Text size="sm" c="gray.7">
          {t('org.users.readOnlyNote')}
        </Text>
      )}
      <ProblemAlert error={members.error} />
      <Table.ScrollContainer minWidth={900}>
        <Table striped highlightOnHover aria-label={t('org.users.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('org.users.col.name')}</Table.Th>
              <Table.Th>{t('org.users.col.email')}</Table.Th>
              <Table.Th>{t('org.users.col.username')}</Table.Th>
              <Table.Th>{t('org.users.col.role')}</Table.Th>
              <Table.Th>{t('org.users.col.status')}</Table.Th>
              <Table.Th>{t('org.users.col.teams')}</Table.Th>
              <Table.Th>{t('org.users.col.lastActive')}</Table.Th>
              <Table.Th>
                <VisuallyHidden>{t('org.users.col.actions')}</VisuallyHidden>
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((member) => (
              <MemberRow
                key={member.id}
                member={member}
                org={org}
                guard={guardOf(
                  member,
                  org,
                  member.id === lastAdmin && member.status === 'active' && member.role === 'admin',
                )}
                roles={roleList}
                roleNames={roleNames}
                teamNames={teams.data}
              />
            ))}
            {members.isSuccess && rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={COLUMNS}>{t('org.users.none')}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {members.isPending && (
        <Center>
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      <LoadMore query={members} />
      {can.invite && (
        <InviteDialog tenantId={tenantId} opened={inviting} onClose={() => setInviting(false)} />
      )}
    </Stack>
  );
}
