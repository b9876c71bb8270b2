import { Button, Checkbox, Group, Paper, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { api, call } from '../../api/client.js';
import { LoadMore } from '../../components/load-more.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import type { OrgContext } from '../organization/org-frame.js';
import { useActiveMembers, useTeamMembers, type Team, type TeamMember } from './queries.js';
import { TeamGrants } from './team-grants.js';

/** A selected team: its members and leads, adding and removing them, and its grants. */
export function TeamPanel({ org, team, manage }: { org: OrgContext; team: Team; manage: boolean }) {
  const { tenantId } = org;
  const members = useTeamMembers(tenantId, team.id);
  const list = members.data?.pages.flatMap((page) => page.data) ?? [];
  // Leads may add and remove members of their team; appointing leads is team management.
  const leads = list.some((m) => m.memberId === org.memberId && m.lead);
  const editMembers = manage || leads;
  return (
    <Stack>
      <Paper withBorder p="md" component="section" aria-labelledby="team-members">
        <Stack gap="sm">
          <Title order={2} size="h3" id="team-members">
            {t('teams.members', { name: team.name })}
          </Title>
          <ProblemAlert error={members.error} />
          {members.isSuccess && list.length === 0 && <Text c="gray.7">{t('teams.noMembers')}</Text>}
          {list.length > 0 && (
            <MemberTable
              tenantId={tenantId}
              team={team}
              members={list}
              appointLeads={manage}
              remove={editMembers}
            />
          )}
          <LoadMore query={members} />
          {editMembers && (
            <AddMember
              tenantId={tenantId}
              team={team}
              already={new Set(list.map((m) => m.memberId))}
              appointLeads={manage}
            />
          )}
        </Stack>
      </Paper>
      <TeamGrants tenantId={tenantId} team={team} canEdit={org.can.manageSettings} />
    </Stack>
  );
}

function useMemberChange(tenantId: string, team: Team) {
  const queries = useQueryClient();
  const refresh = () => queries.invalidateQueries({ queryKey: ['org', tenantId] });
  const setLead = useMutation({
    mutationFn: (v: { memberId: string; lead: boolean }) =>
      call(() =>
        api.POST('/api/v1/tenants/{tenantId}/teams/{teamId}/members', {
          params: { path: { tenantId, teamId: team.id } },
          body: v,
        }),
      ),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (memberId: string) =>
      call(() =>
        api.DELETE('/api/v1/tenants/{tenantId}/teams/{teamId}/members/{memberId}', {
          params: { path: { tenantId, teamId: team.id, memberId } },
        }),
      ),
    onSuccess: refresh,
  });
  return { setLead, remove };
}

function MemberTable({
  tenantId,
  team,
  members,
  appointLeads,
  remove: canRemove,
}: {
  tenantId: string;
  team: Team;
  members: TeamMember[];
  appointLeads: boolean;
  remove: boolean;
}) {
  const { setLead, remove } = useMemberChange(tenantId, team);
  const nameOf = (m: TeamMember) => m.displayName || m.username;
  return (
    <>
      <ProblemAlert error={setLead.error ?? remove.error} />
      <Table withTableBorder aria-label={t('teams.members', { name: team.name })}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('teams.member')}</Table.Th>
            <Table.Th>{t('teams.lead')}</Table.Th>
            {(appointLeads || canRemove) && <Table.Th>{t('teams.memberActions')}</Table.Th>}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {members.map((m) => (
            <Table.Tr key={m.memberId}>
              <Table.Td>
                <Text>{nameOf(m)}</Text>
                <Text size="sm" c="gray.7">
                  {m.username} · {m.email}
                </Text>
              </Table.Td>
              <Table.Td>
                {m.lead && (
                  <Text fw={600} c="teal.9">
                    {t('teams.lead')}
                  </Text>
                )}
              </Table.Td>
              {(appointLeads || canRemove) && (
                <Table.Td>
                  <Group gap="xs">
                    {appointLeads && (
                      <Button
                        size="xs"
                        variant="default"
                        loading={setLead.isPending && setLead.variables.memberId === m.memberId}
                        aria-label={t('teams.forMember', {
                          action: m.lead ? t('teams.unmakeLead') : t('teams.makeLead'),
                          name: nameOf(m),
                        })}
                        onClick={() => setLead.mutate({ memberId: m.memberId, lead: !m.lead })}
                      >
                        {m.lead ? t('teams.unmakeLead') : t('teams.makeLead')}
                      </Button>
                    )}
                    {canRemove && (
                      <Button
                        size="xs"
                        variant="outline"
                        color="red.9"
                        loading={remove.isPending && remove.variables === m.memberId}
                        aria-label={t('teams.forMember', {
                          action: t('teams.removeMember'),
                          name: nameOf(m),
                        })}
                        onClick={() => remove.mutate(m.memberId)}
                      >
                        {t('teams.removeMember')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </>
  );
}

function AddMember({
  tenantId,
  team,
  already,
  appointLeads,
}: {
  tenantId: string;
  team: Team;
  already: Set<string>;
  appointLeads: boolean;
}) {
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const candidates = useActiveMembers(tenantId, q, true);
  const { setLead: add } = useMemberChange(tenantId, team);
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const memberId = picked?.value ?? null;
  const [lead, setLead] = useState(false);
  const found = (candidates.data?.data ?? [])
    .filter((m) => !already.has(m.id))
    .map((m) => ({ value: m.id, label: `${m.displayName || m.username} (${m.email})` }));
  // The picked member stays a choice while the search moves on.
  const options =
    picked && !found.some((o) => o.value === picked.value) ? [picked, ...found] : found;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!memberId) return;
    add.mutate(
      { memberId, lead },
      {
        onSuccess: () => {
          setPicked(null);
          setSearch('');
          setLead(false);
        },
      },
    );
  };
  return (
    <form onSubmit={submit} aria-label={t('teams.addMember')}>
      <Stack gap="sm">
        <Title order={3} size="h4">
          {t('teams.addMember')}
        </Title>
        <ProblemAlert error={candidates.error} />
        <Select
          label={t('teams.addMemberPick')}
          required
          searchable
          // The server filters (q): every typed text shows what it found.
          filter={({ options: all }) => all}
          searchValue={search}
          onSearchChange={setSearch}
          nothingFoundMessage={candidates.isFetching ? t('common.loading') : t('teams.noMatch')}
          data={options}
          value={memberId}
          onChange={(value, option) =>
            setPicked(value && option ? { value, label: option.label } : null)
          }
        />
        {appointLeads && (
          <Checkbox
            label={t('teams.addAsLead')}
            checked={lead}
            onChange={(e) => setLead(e.currentTarget.checked)}
          />
        )}
        <ProblemAlert error={add.error} />
        <Group>
          <Button type="submit" loading={add.isPending} disabled={!memberId}>
            {t('teams.add')}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
