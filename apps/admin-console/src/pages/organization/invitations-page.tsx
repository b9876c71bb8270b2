import {
  Badge,
  Button,
  Center,
  Group,
  Loader,
  Modal,
  Select,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { LoadMore } from '../../components/load-more.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { roleName } from './capabilities.js';
import { InviteDialog, InviteLink } from './invite-dialog.js';
import { LimitsCard } from './limits-card.js';
import { OrgPage, type OrgContext } from './org-frame.js';
import { UsersTabs } from './users-tabs.js';
import {
  formatDate,
  keys,
  useInvitations,
  type Invitation,
  type InvitationStatus,
  type InvitationWithLink,
} from './queries.js';

const STATUSES: InvitationStatus[] = ['pending', 'accepted', 'expired', 'revoked'];
const STATUS_COLOR: Record<InvitationStatus, string> = {
  // Dark shades: white on them passes WCAG AA.
  pending: 'blue.9',
  accepted: 'teal.9',
  expired: 'red.9',
  revoked: 'gray.7',
};
/** What the server allows per state (invitations/invitation-status.ts). */
const CAN_RESEND: Record<InvitationStatus, boolean> = {
  pending: true,
  expired: true,
  accepted: false,
  revoked: false,
};

/** The Invitations tab: every invitation with its state, expiry and email; resend, revoke. */
export function InvitationsPage() {
  return <OrgPage>{(org) => <Invitations org={org} />}</OrgPage>;
}

function Invitations({ org }: { org: OrgContext }) {
  const { tenantId, can } = org;
  const [status, setStatus] = useState<InvitationStatus | null>(null);
  const [inviting, setInviting] = useState(false);
  const [resent, setResent] = useState<InvitationWithLink | null>(null);
  const [revoking, setRevoking] = useState<Invitation | null>(null);
  const queries = useQueryClient();
  const invitations = useInvitations(tenantId, status);
  const rows = invitations.data?.pages.flatMap((p) => p.data) ?? [];

  const refresh = async () => {
    await queries.invalidateQueries({ queryKey: keys.invitations(tenantId) });
    await queries.invalidateQueries({ queryKey: keys.limits(tenantId) });
  };
  const resend = useMutation({
    mutationFn: (id: string) =>
      call(() =>
        api.POST('/api/v1/tenants/{tenantId}/invitations/{invitationId}/resend', {
          params: { path: { tenantId, invitationId: id } },
        }),
      ),
    onSuccess: async (invitation) => {
      setResent(invitation);
      await refresh();
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      call(() =>
        api.POST('/api/v1/tenants/{tenantId}/invitations/{invitationId}/revoke', {
          params: { path: { tenantId, invitationId: id } },
        }),
      ),
    onSuccess: async () => {
      setRevoking(null);
      await refresh();
    },
  });

  return (
    <Stack gap="md" py="md">
      <Group justify="space-between">
        <Title order={1}>{t('org.invitations.title')}</Title>
        {can.invite && <Button onClick={() => setInviting(true)}>{t('org.users.invite')}</Button>}
      </Group>
      <UsersTabs org={org} current="invites" />
      {can.manageSettings && <LimitsCard tenantId={tenantId} />}
      <Group>
        <Select
          label={t('org.invitations.statusFilter')}
          data={[
            { value: 'all', label: t('org.invitations.all') },
            ...STATUSES.map((s) => ({ value: s, label: t(`org.invitations.status.${s}`) })),
          ]}
          value={status ?? 'all'}
          onChange={(v) => setStatus(v && v !== 'all' ? v : null)}
          allowDeselect={false}
        />
      </Group>
      <ProblemAlert error={invitations.error} />
      {!revoking && <ProblemAlert error={resend.error ?? revoke.error} />}
      <Table.ScrollContainer minWidth={900}>
        <Table striped aria-label={t('org.invitations.title')}>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('org.invitations.col.email')}</Table.Th>
              <Table.Th>{t('org.invitations.col.username')}</Table.Th>
              <Table.Th>{t('org.invitations.col.role')}</Table.Th>
              <Table.Th>{t('org.invitations.col.provider')}</Table.Th>
              <Table.Th>{t('org.invitations.col.status')}</Table.Th>
              <Table.Th>{t('org.invitations.col.expires')}</Table.Th>
              <Table.Th>{t('org.invitations.col.delivery')}</Table.Th>
              <Table.Th>{t('org.invitations.col.actions')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((inv) => (
              <Table.Tr key={inv.id} data-invitation={inv.id}>
                <Table.Td>{inv.notificationEmail ?? inv.email}</Table.Td>
                <Table.Td>{inv.username}</Table.Td>
                <Table.Td>{roleName(inv.role)}</Table.Td>
                <Table.Td>
                  {t(`org.invite.provider.${inv.identityProvider}`)}
                  {inv.entraTenantId && (
                    <Text size="xs" c="gray.7">
                      {inv.entraTenantId}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge
                    variant="filled"
                    color={STATUS_COLOR[inv.status]}
                    style={{ overflow: 'visible' }}
                    maw="none"
                  >
                    {t(`org.invitations.status.${inv.status}`)}
                  </Badge>
                </Table.Td>
                <Table.Td>{formatDate(inv.expiresAt)}</Table.Td>
                <Table.Td>{deliveryText(inv)}</Table.Td>
                <Table.Td>
                  {can.invite && CAN_RESEND[inv.status] && (
                    <Group gap="xs" wrap="nowrap">
                      <Button
                        size="xs"
                        variant="default"
                        aria-label={t('org.invitations.resendOf', { email: inv.email })}
                        loading={resend.isPending && resend.variables === inv.id}
                        onClick={() => resend.mutate(inv.id)}
                      >
                        {t('org.invitations.resend')}
                      </Button>
                      {can.manageInvitations && (
                        <Button
                          size="xs"
                          variant="default"
                          aria-label={t('org.invitations.revokeOf', { email: inv.email })}
                          onClick={() => {
                            revoke.reset();
                            setRevoking(inv);
                          }}
                        >
                          {t('org.invitations.revoke')}
                        </Button>
                      )}
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
            {invitations.isSuccess && rows.length === 0 && (
              <Table.Tr>
                <Table.Td colSpan={8}>{t('org.invitations.none')}</Table.Td>
              </Table.Tr>
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {invitations.isPending && (
        <Center>
          <Loader aria-label={t('common.loading')} />
        </Center>
      )}
      <LoadMore query={invitations} />

      <Modal
        opened={resent !== null}
        onClose={() => setResent(null)}
        title={t('org.invitations.resentTitle')}
        closeButtonProps={{ 'aria-label': t('common.close') }}
        size="lg"
      >
        {resent && (
          <Stack gap="md">
            <Text>{t('org.invitations.resentText')}</Text>
            <InviteLink url={resent.inviteUrl} expiresAt={resent.expiresAt} />
            <Group justify="flex-end">
              <Button onClick={() => setResent(null)}>{t('common.close')}</Button>
            </Group>
          </Stack>
        )}
      </Modal>

      <ConfirmDialog
        opened={revoking !== null}
        title={t('org.invitations.revokeTitle')}
        text={t('org.invitations.revokeText', { email: revoking?.email ?? '' })}
        confirmLabel={t('org.invitations.revokeConfirm')}
        busy={revoke.isPending}
        error={revoke.error}
        onConfirm={() => revoking && revoke.mutate(revoking.id)}
        onClose={() => setRevoking(null)}
      />

      {can.invite && (
        <InviteDialog tenantId={tenantId} opened={inviting} onClose={() => setInviting(false)} />
      )}
    </Stack>
  );
}

function deliveryText(inv: Invitation): string {
  const d = inv.delivery;
  if (!d) return t('org.invitations.delivery.none');
  const when = d.sentAt ? ` · ${formatDate(d.sentAt)}` : '';
  switch (d.status) {
    case 'sent':
      return `${t('org.invitations.delivery.sent')}${when}`;
    case 'failed':
      return t('org.invitations.delivery.failed', { attempts: d.attempts });
    case 'local':
      return t('org.invitations.delivery.local');
    case 'pending':
      return t('org.invitations.delivery.pending');
  }
}
