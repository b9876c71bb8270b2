import { Anchor, Center, Loader, Stack, Text } from '@mantine/core';
import { Link, Navigate } from 'react-router';
import { RequireSession } from '../../auth/require-session.js';
import { CenteredCard } from '../../components/centered.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { t } from '../../i18n/i18n.js';
import { useProfile } from '../home.js';

/**
 * Addresses without an organization in them, as other products' docs give them (doc 000's
 * /settings/team, doc 003's Settings → Users → Invites): the section of your organization, or a
 * choice when you belong to several.
 */
export function SectionLink({ section }: { section: 'users' | 'invitations' | 'settings' }) {
  return (
    <RequireSession>
      <Choose section={section} />
    </RequireSession>
  );
}

function Choose({ section }: { section: string }) {
  const profile = useProfile();
  if (profile.isPending)
    return (
      <Center h="40vh">
        <Loader aria-label={t('common.loading')} />
      </Center>
    );
  const tenants = profile.data?.tenants ?? [];
  if (profile.isSuccess && tenants.length === 0) return <Navigate to="/" replace />;
  if (tenants.length === 1)
    return <Navigate to={`/orgs/${tenants[0]!.tenantId}/${section}`} replace />;
  return (
    <CenteredCard title={t('org.choose')}>
      <ProblemAlert error={profile.error} />
      <Text>{t('org.chooseHelp')}</Text>
      <Stack gap="xs" component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {tenants.map((x) => (
          <li key={x.tenantId}>
            <Anchor component={Link} to={`/orgs/${x.tenantId}/${section}`}>
              {x.name}
            </Anchor>
          </li>
        ))}
      </Stack>
    </CenteredCard>
  );
}
