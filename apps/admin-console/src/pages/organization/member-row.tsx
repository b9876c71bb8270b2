import { ActionIcon, Badge, Group, Menu, NativeSelect, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client.js';
import type { MessageKey } from '../../i18n/en.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import type { OrgContext } from './org-frame.js';
import { roleName } from './capabilities.js';
import { formatDate, keys, type Member } from './queries.js';

export const COLUMNS = 8;
/** Dark shades: white on them passes WCAG AA. */
const STATUS_COLOR: Record<Member['status'], string> = {
  active: 'teal.9',
  suspended: 'red.9',
  removed: 'gray.7',
};

/**
 * Why an action is refused before asking the server: the guardrails of doc 002 (self, last active
 * Administrator, removed), from the list and the signed-in person's own membership.
 */
export interface Guard {
  role: MessageKey | null;
  access: MessageKey | null;
  remove: MessageKey | null;
  makeAdmin: MessageKey | null;
}

export function guardOf(member: Member, org: OrgContext, isLastAdmin: boolean): Guard {
  if (member.status === 'removed') {
    const r = 'org.users.reason.removed' as const;
    return { role: r, access: r, remove: r, makeAdmin: r };
  }
  const self = member.id === org.memberId;
  const last = isLastAdmin ? ('org.users.reason.lastAdmin' as const) : null;
  const selfReason = self ? ('org.users.reason.self' as const) : null;
  return {
    role: last,
    access: selfReason ?? last,
    remove: selfReason ?? last,
    makeAdmin: member.role === 'admin' ? 'org.users.reason.alreadyAdmin' : null,
  };
}

interface RowProps {
  member: Member;
  org: OrgContext;
  guard: Guard;
  roles: { key: string; name: string }[];
  roleNames: Map<string, string>;
  teamNames: Map<string, string> | undefined;
}

export function MemberRow({ member, org, guard, roles, roleNames, teamNames }: RowProps) {
  const queries = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const { tenantId } = org;
  const name = member.displayName || member.username;
  const after = async () => {
    await queries.invalidateQueries({ queryKey: keys.members(tenantId) });
    await queries.invalidateQueries({ queryKey: keys.limits(tenantId) });
    // Your own role changed: what the console offers you follows it.
    if (member.id === org.memberId) await queries.invalidateQueries({ queryKey: ['me'] });
  };
  const update = useMutation({
    mutationFn: (body: { role?: string; status?: 'active' | 'suspended' }) =>
      call(() =>
        api.PATCH('/api/v1/tenants/{tenantId}/members/{memberId}', {
          params: { path: { tenantId, memberId: member.id } },
          body,
        }),
      ),
    onSuccess: after,
  });
  const remove = useMutation({
    mutationFn: () =>
      call(() =>
        api.DELETE('/api/v1/tenants/{tenantId}/members/{memberId}', {
          params: { path: { tenantId, memberId: member.id } },
        }),
      ),
    onSuccess: async () => {
      setConfirming(false);
      await after();
    },
  });
  const error = update.error ?? remove.error;
  const reasonId = `reason-${member.id}`;
  const roleReason = guard.role;
  const editable = org.can.manageMembers;
  const roleOptions = roles.some((r) => r.key === member.role)
    ? roles
    : [...roles, { key: member.role, name: roleName(member.role, roleNames) }];

  const teams = member.teams.map((id) => teamNames?.get(id)).filter((n) => n !== undefined);

  return (
    <>
      <Table.Tr data-member={member.id}>
        <Table.Td>
          <Group gap={6} wrap="nowrap">
            <Text size="sm" fw={500}>
              {name}
            </Text>
            {member.id === org.memberId && (
              <Badge size="xs" variant="outline">
                {t('org.you')}
              </Badge>
            )}
          </Group>
        </Table.Td>
        <Table.Td>{member.email}</Table.Td>
        <Table.Td>{member.username}</Table.Td>
        <Table.Td>
          {editable ? (
            <Stack gap={2}>
              <NativeSelect
                aria-label={t('org.users.roleOf', { name })}
                aria-describedby={roleReason ? reasonId : undefined}
                size="xs"
                value={member.role}
                disabled={roleReason !== null || update.isPending}
                data={roleOptions.map((r) => ({ value: r.key, label: r.name }))}
                onChange={(e) => update.mutate({ role: e.currentTarget.value })}
              />
              {roleReason && (
                <Text id={reasonId} size="xs" c="gray.7">
                  {t(roleReason)}
                </Text>
              )}
            </Stack>
          ) : (
            roleName(member.role, roleNames)
          )}
        </Table.Td>
        <Table.Td>
          <Badge
            variant="filled"
            color={STATUS_COLOR[member.status]}
            style={{ overflow: 'visible' }}
            maw="none"
          >
            {t(`org.status.${member.status}`)}
          </Badge>
        </Table.Td>
        <Table.Td>
          {member.teams.length === 0
            ? '—'
            : teams.length === 0
              ? t('org.users.teamCount', { count: member.teams.length })
              : teams.length < member.teams.length
                ? t('org.users.teamsAndMore', {
                    names: teams.join(', '),
                    count: member.teams.length - teams.length,
                  })
                : teams.join(', ')}
        </Table.Td>
        <Table.Td>{formatDate(member.lastActiveAt) ?? t('org.never')}</Table.Td>
        <Table.Td>
          {editable && (
            <RowMenu
              name={name}
              member={member}
              guard={guard}
              busy={update.isPending || remove.isPending}
              onMakeAdmin={() => update.mutate({ role: 'admin' })}
              onToggleAccess={() =>
                update.mutate({ status: member.status === 'active' ? 'suspended' : 'active' })
              }
              onRemove={() => setConfirming(true)}
            />
          )}
        </Table.Td>
      </Table.Tr>
      {error !== null && !confirming && (
        <Table.Tr>
          <Table.Td colSpan={COLUMNS}>
            <ProblemAlert error={error} />
          </Table.Td>
        </Table.Tr>
      )}
      {confirming && (
        // The modal renders in a portal: nothing of it lands inside the table.
        <ConfirmDialog
          opened
          title={t('org.users.removeTitle', { name })}
          text={t('org.users.removeText', { name })}
          confirmLabel={t('org.users.removeConfirm')}
          busy={remove.isPending}
          error={remove.error}
          onConfirm={() => remove.mutate()}
          onClose={() => {
            setConfirming(false);
            remove.reset();
          }}
        />
      )}
    </>
  );
}

function RowMenu(props: {
  name: string;
  member: Member;
  guard: Guard;
  busy: boolean;
  onMakeAdmin: () => void;
  onToggleAccess: () => void;
  onRemove: () => void;
}) {
  const { member, guard } = props;
  const item = (label: string, reason: MessageKey | null, onClick: () => void, color?: string) => (
    <Menu.Item disabled={reason !== null || props.busy} onClick={onClick}>
      <Text size="sm" {...(color ? { c: color } : {})}>
        {label}
      </Text>
      {reason && (
        <Text size="xs" c="gray.7">
          {t(reason)}
        </Text>
      )}
    </Menu.Item>
  );
  return (
    // No initial focus placeholder: axe counts it as a child a menu may not have.
    <Menu position="bottom-end" withinPortal withInitialFocusPlaceholder={false}>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={t('org.users.actionsOf', { name: props.name })}>
          <span aria-hidden="true">⋮</span>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        {item(t('org.users.makeAdmin'), guard.makeAdmin, props.onMakeAdmin)}
        {item(
          member.status === 'suspended' ? t('org.users.reactivate') : t('org.users.suspend'),
          guard.access,
          props.onToggleAccess,
        )}
        {item(t('org.users.remove'), guard.remove, props.onRemove, 'red.9')}
      </Menu.Dropdown>
    </Menu>
  );
}
