import { Anchor, Badge, Button, Group, Loader, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { api, ApiError, call } from '../../api/client.js';
import type { components } from '../../api/schema.js';
import { useSession } from '../../auth/session.js';
import { CenteredCard } from '../../components/centered.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { SignInChoices } from '../sign-in.js';

/**
 * The preview, with the fields the server adds when it has them (who invited, the Entra tenant,
 * the masked address, the organization's id): read only when present.
 */
type Preview = components['schemas']['InvitationPreviewDto'] & {
  /** As the invitation email names the inviter: a name, an API key's name or the operator. */
  invitedBy?: string | null;
  entraTenantId?: string | null;
  email?: string | null;
  tenantId?: string | null;
};

/** Refusals that mean "this session is not the invitee": offer to sign out and try again. */
const SOMEONE_ELSE = new Set(['invitee_mismatch', 'identity_provider_mismatch']);
/** Refusals that mean the invitation itself changed: read it again to show its status page. */
const STALE = new Set(['invitation_expired', 'invitation_revoked', 'invitation_accepted']);

function providerName(preview: Preview): string {
  switch (preview.identityProvider) {
    case 'any':
      return t('invite.providerAny');
    case 'google':
      return t('invite.providerGoogle');
    case 'microsoft':
      return preview.entraTenantId
        ? t('invite.providerEntraTenant', { tenant: preview.entraTenantId })
        : t('invite.providerMicrosoft');
  }
}

function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
}

/**
 * The invitation link's landing page (/invite/:token): what the invitation is, then the way in.
 * Signed out: the sign-in choices the invitation allows, coming back here with ?accept=1 (an SSO
 * sign-in redeems it at the callback already). Signed in: accept, then the organization.
 */
export function InvitationPage() {
  const { token = '' } = useParams();
  const [params] = useSearchParams();
  const autoAccept = params.get('accept') === '1';
  const session = useSession();
  const navigate = useNavigate();
  const queries = useQueryClient();
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () =>
      call(() => api.GET('/api/v1/invitations/{token}', { params: { path: { token } } })),
  });
  const me = useQuery({
    queryKey: ['me'],
    queryFn: () => call(() => api.GET('/api/v1/me')),
    enabled: session.signedIn === true,
  });
  const accept = useMutation({
    mutationFn: () =>
      call(() => api.POST('/api/v1/invitations/{token}/accept', { params: { path: { token } } })),
    onSuccess: async (accepted) => {
      await queries.invalidateQueries({ queryKey: ['me'] });
      await navigate(`/orgs/${accepted.tenantId}/users`, { replace: true });
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code && STALE.has(error.code))
        void queries.invalidateQueries({ queryKey: ['invitation', token] });
    },
  });

  const data: Preview | undefined = preview.data;
  // Accept on arrival after signing in, once per session (a sign-out lets the next person try).
  const tried = useRef(false);
  useEffect(() => {
    if (session.signedIn !== true) {
      tried.current = false;
      return;
    }
    if (!autoAccept || tried.current || data?.status !== 'pending') return;
    tried.current = true;
    accept.mutate();
  });

  async function signOut() {
    accept.reset();
    await session.signOut();
    await navigate(`/invite/${token}`, { replace: true });
  }

  if (preview.isPending || session.signedIn === null)
    return (
      <CenteredCard title={t('invite.title')}>
        <Loader aria-label={t('common.loading')} />
      </CenteredCard>
    );

  if (preview.error) {
    const notFound = preview.error instanceof ApiError && preview.error.status === 404;
    return (
      <CenteredCard title={notFound ? t('invite.notFoundTitle') : t('invite.title')}>
        {notFound ? <Text>{t('invite.notFound')}</Text> : <ProblemAlert error={preview.error} />}
        <Anchor component={Link} to="/" size="sm">
          {t('invite.goHome')}
        </Anchor>
      </CenteredCard>
    );
  }

  const invitation: Preview = preview.data;
  const inviter = invitation.invitedBy ?? null;
  const signedInAs = me.data?.email;

  if (accept.error instanceof ApiError && accept.error.code && SOMEONE_ELSE.has(accept.error.code))
    return (
      <CenteredCard title={t('invite.someoneElseTitle')}>
        <ProblemAlert error={accept.error} />
        {signedInAs && (
          <Text style={{ overflowWrap: 'anywhere' }}>
            {t('invite.signedInAs', { email: signedInAs })}
          </Text>
        )}
        <Text size="sm">
          {invitation.email
            ? t('invite.someoneElseHelpTo', { email: invitation.email })
            : t('invite.someoneElseHelp')}
        </Text>
        <Button onClick={() => void signOut()}>{t('invite.signOutAndRetry')}</Button>
      </CenteredCard>
    );

  const details = (
    <Table variant="vertical" withTableBorder aria-label={t('invite.details')}>
      <Table.Tbody>
        <Table.Tr>
          <Table.Th scope="row">{t('invite.organization')}</Table.Th>
          <Table.Td>{invitation.tenantName}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th scope="row">{t('invite.role')}</Table.Th>
          <Table.Td>{invitation.role}</Table.Td>
        </Table.Tr>
        {inviter && (
          <Table.Tr>
            <Table.Th scope="row">{t('invite.invitedBy')}</Table.Th>
            <Table.Td>{inviter}</Table.Td>
          </Table.Tr>
        )}
        {invitation.email && (
          <Table.Tr>
            <Table.Th scope="row">{t('invite.sentTo')}</Table.Th>
            <Table.Td>{invitation.email}</Table.Td>
          </Table.Tr>
        )}
        <Table.Tr>
          <Table.Th scope="row">{t('invite.signInWith')}</Table.Th>
          <Table.Td>{providerName(invitation)}</Table.Td>
        </Table.Tr>
        <Table.Tr>
          <Table.Th scope="row">
            {invitation.status === 'expired' ? t('invite.expired') : t('invite.expires')}
          </Table.Th>
          <Table.Td>{formatDate(invitation.expiresAt)}</Table.Td>
        </Table.Tr>
      </Table.Tbody>
    </Table>
  );

  switch (invitation.status) {
    case 'expired':
      return (
        <CenteredCard title={t('invite.expiredTitle')}>
          <Text>
            {inviter
              ? t('invite.expiredHelpFrom', { name: inviter })
              : t('invite.expiredHelp', { organization: invitation.tenantName })}
          </Text>
          {details}
        </CenteredCard>
      );
    case 'revoked':
      return (
        <CenteredCard title={t('invite.revokedTitle')}>
          <Text>{t('invite.revokedHelp', { organization: invitation.tenantName })}</Text>
          {details}
        </CenteredCard>
      );
    case 'accepted': {
      const tenantId =
        invitation.tenantId ??
        me.data?.tenants.find((m) => m.name === invitation.tenantName)?.tenantId;
      return (
        <CenteredCard title={t('invite.acceptedTitle')}>
          <Text>{t('invite.acceptedHelp', { organization: invitation.tenantName })}</Text>
          {tenantId ? (
            <Button component={Link} to={`/orgs/${tenantId}/users`}>
              {t('invite.openOrganization')}
            </Button>
          ) : session.signedIn ? (
            <Button component={Link} to="/">
              {t('invite.goHome')}
            </Button>
          ) : (
            <Button component={Link} to={`/sign-in?next=${encodeURIComponent('/')}`}>
              {t('invite.signInToOpen')}
            </Button>
          )}
        </CenteredCard>
      );
    }
    case 'pending':
      break;
  }

  return (
    <CenteredCard title={t('invite.joinTitle', { organization: invitation.tenantName })}>
      <Group gap="xs">
        <Badge variant="light">{t('invite.pending')}</Badge>
      </Group>
      {details}
      {session.signedIn ? (
        <Stack gap="sm">
          {signedInAs && (
            <Text size="sm" style={{ overflowWrap: 'anywhere' }}>
              {t('invite.signedInAs', { email: signedInAs })}
            </Text>
          )}
          <ProblemAlert error={accept.error} />
          <Button loading={accept.isPending} onClick={() => accept.mutate()}>
            {t('invite.accept')}
          </Button>
          <Button variant="subtle" onClick={() => void signOut()}>
            {t('invite.notYou')}
          </Button>
        </Stack>
      ) : (
        <Stack gap="sm">
          <Text size="sm">{t('invite.signInFirst')}</Text>
          <SignInChoices invitation={token} next={`/invite/${token}?accept=1`} />
          <Text size="sm">
            {t('invite.noAccount')}{' '}
            <Anchor
              component={Link}
              to={`/sign-up?next=${encodeURIComponent(`/invite/${token}?accept=1`)}`}
            >
              {t('invite.signUp')}
            </Anchor>
          </Text>
        </Stack>
      )}
    </CenteredCard>
  );
}
