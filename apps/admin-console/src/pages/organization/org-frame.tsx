import { Anchor, Center, Container, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { RequireSession } from '../../auth/require-session.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { Shell } from '../../components/shell.js';
import { t } from '../../i18n/i18n.js';
import { useProfile } from '../home.js';
import { capabilitiesOf, type Capabilities } from './capabilities.js';

/** The signed-in person's place in the organization of the URL, from GET /api/v1/me. */
export interface OrgContext {
  tenantId: string;
  name: string;
  memberId: string;
  role: string;
  can: Capabilities;
}

/** An organization's page: signed in, in the Shell with the organization's nav. */
export function OrgPage({ children }: { children: (org: OrgContext) => ReactNode }) {
  return (
    <RequireSession>
      <OrgFrame>{children}</OrgFrame>
    </RequireSession>
  );
}

function OrgFrame({ children }: { children: (org: OrgContext) => ReactNode }) {
  const { tenantId = '' } = useParams();
  const profile = useProfile();
  const tenant = profile.data?.tenants.find((x) => x.tenantId === tenantId);
  const org: OrgContext | null = tenant
    ? {
        tenantId,
        name: tenant.name,
        memberId: tenant.memberId,
        role: tenant.role,
        can: capabilitiesOf(tenant.role),
      }
    : null;
  return (
    <Shell nav={org ? <OrgNav org={org} /> : null}>
      <Container size="xl">
        {profile.isPending && (
          <Center h="40vh">
            <Loader aria-label={t('common.loading')} />
          </Center>
        )}
        <ProblemAlert error={profile.error} />
        {profile.isSuccess && !org && <Text role="alert">{t('org.notMember')}</Text>}
        {org && children(org)}
      </Container>
    </Shell>
  );
}

function OrgNav({ org }: { org: OrgContext }) {
  const { pathname } = useLocation();
  const base = `/orgs/${org.tenantId}`;
  const links = [
    { to: `${base}/users`, label: t('org.nav.users'), shown: true },
    { to: `${base}/invitations`, label: t('org.nav.invitations'), shown: org.can.readInvitations },
    { to: `${base}/teams`, label: t('org.nav.teams'), shown: org.can.readTeams },
    { to: `${base}/settings`, label: t('org.nav.settings'), shown: org.can.manageSettings },
    { to: `${base}/roles`, label: t('admin.nav.roles'), shown: org.can.manageSettings },
    {
      to: `${base}/access-rules`,
      label: t('admin.nav.accessRules'),
      shown: org.can.manageSettings,
    },
    { to: `${base}/audit`, label: t('admin.nav.audit'), shown: org.can.manageSettings },
    {
      to: `${base}/integrations`,
      label: t('admin.nav.integrations'),
      shown: org.can.manageSettings,
    },
  ];
  return (
    <Stack component="nav" aria-label={t('org.nav.label')} gap="xs">
      <Text fw={600} c="gray.7">
        {org.name}
      </Text>
      {links
        .filter((l) => l.shown)
        .map((l) => (
          <Anchor
            key={l.to}
            component={Link}
            to={l.to}
            aria-current={pathname === l.to ? 'page' : undefined}
            fw={pathname === l.to ? 700 : 400}
          >
            {l.label}
          </Anchor>
        ))}
    </Stack>
  );
}
