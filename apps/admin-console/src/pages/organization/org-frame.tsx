import { Anchor, Center, Container, Loader, Select, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { RequireSession } from '../../auth/require-session.js';
import { ProblemAlert } from '../../components/problem-alert.js';
import { Shell } from '../../components/shell.js';
import { t } from '../../i18n/i18n.js';
import { useProfile } from '../home.js';
import { BUILT_IN_ROLES, capabilitiesOf, type Capabilities } from './capabilities.js';
import { useRoleRules } from './queries.js';

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
  const custom = tenant !== undefined && !BUILT_IN_ROLES.includes(tenant.role);
  const rules = useRoleRules(tenantId, tenant?.role, custom);
  const org: OrgContext | null =
    tenant && (!custom || !rules.isPending)
      ? {
          tenantId,
          name: tenant.name,
          memberId: tenant.memberId,
          role: tenant.role,
          can: capabilitiesOf(tenant.role, rules.data ?? undefined),
        }
      : null;
  return (
    <Shell nav={org ? <OrgNav org={org} tenants={profile.data?.tenants ?? []} /> : null}>
      <Container size="xl">
        {(profile.isPending || (custom && rules.isPending)) && (
          <Center h="40vh">
            <Loader aria-label={t('common.loading')} />
          </Center>
        )}
        <ProblemAlert error={profile.error} />
        {profile.isSuccess && !tenant && <Text role="alert">{t('org.notMember')}</Text>}
        {org && children(org)}
      </Container>
    </Shell>
  );
}

/** The organization's sections that a role may open, in the nav's order. */
function sectionsOf(tenantId: string, can: Capabilities) {
  const base = `/orgs/${tenantId}`;
  return [
    { to: `${base}/users`, label: t('org.nav.users'), shown: true },
    { to: `${base}/invitations`, label: t('org.nav.invitations'), shown: can.readInvitations },
    { to: `${base}/teams`, label: t('org.nav.teams'), shown: can.readTeams },
    { to: `${base}/settings`, label: t('org.nav.settings'), shown: can.manageSettings },
    { to: `${base}/roles`, label: t('admin.nav.roles'), shown: can.manageSettings },
    { to: `${base}/access-rules`, label: t('admin.nav.accessRules'), shown: can.manageSettings },
    { to: `${base}/audit`, label: t('admin.nav.audit'), shown: can.manageSettings },
    { to: `${base}/integrations`, label: t('admin.nav.integrations'), shown: can.manageSettings },
  ].filter((l) => l.shown);
}

interface TenantChoice {
  tenantId: string;
  name: string;
  role: string;
}

function OrgNav({ org, tenants }: { org: OrgContext; tenants: TenantChoice[] }) {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const links = sectionsOf(org.tenantId, org.can);
  // The switcher keeps the section when the other organization's role may open it.
  const switchTo = (tenantId: string | null) => {
    const other = tenants.find((x) => x.tenantId === tenantId);
    if (!other || other.tenantId === org.tenantId) return;
    const section = pathname.slice(`/orgs/${org.tenantId}`.length);
    const there = sectionsOf(other.tenantId, capabilitiesOf(other.role)).map((l) => l.to);
    const target = `/orgs/${other.tenantId}${section}`;
    void navigate(there.includes(target) ? target : `/orgs/${other.tenantId}/users`);
  };
  return (
    <Stack component="nav" aria-label={t('org.nav.label')} gap="xs">
      {tenants.length > 1 ? (
        <Select
          label={t('org.switcher')}
          data={tenants.map((x) => ({ value: x.tenantId, label: x.name }))}
          value={org.tenantId}
          onChange={switchTo}
          allowDeselect={false}
          searchable={tenants.length > 8}
          comboboxProps={{ withinPortal: true }}
        />
      ) : (
        <Text fw={600} c="gray.7">
          {org.name}
        </Text>
      )}
      {links.map((l) => (
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
