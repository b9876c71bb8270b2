import { Button, Group } from '@mantine/core';
import { Link } from 'react-router';
import { t } from '../../i18n/i18n.js';
import type { OrgContext } from './org-frame.js';

/**
 * Doc 003's "Users → Invites": the members and the invitations as two tabs of one Users page.
 * They are links (each has its own address), marked with aria-current, not an ARIA tablist.
 */
export function UsersTabs({ org, current }: { org: OrgContext; current: 'members' | 'invites' }) {
  if (!org.can.readInvitations) return null;
  const base = `/orgs/${org.tenantId}`;
  const tab = (key: 'members' | 'invites', to: string, label: string) => (
    <Button
      component={Link}
      to={to}
      variant={current === key ? 'filled' : 'subtle'}
      aria-current={current === key ? 'page' : undefined}
    >
      {label}
    </Button>
  );
  return (
    <Group component="nav" aria-label={t('org.users.tabs')} gap="xs">
      {tab('members', `${base}/users`, t('org.users.tabMembers'))}
      {tab('invites', `${base}/invitations`, t('org.users.tabInvites'))}
    </Group>
  );
}
