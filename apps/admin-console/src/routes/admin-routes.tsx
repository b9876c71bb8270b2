import type { ReactElement } from 'react';
import type { RouteObject } from 'react-router';
import { AccessRulesPage } from '../pages/admin/access-rules.js';
import { AuditLogPage } from '../pages/admin/audit-log.js';
import { IntegrationsPage } from '../pages/admin/integrations.js';
import { RolesPage } from '../pages/admin/roles.js';
import { TeamsPage } from '../pages/teams/teams-page.js';

/** An organization's administration pages: audit log, SCIM and API keys (pages/admin/). */
const signedIn = (path: string, page: ReactElement): RouteObject => ({ path, element: page });

export const adminRoutes: RouteObject[] = [
  signedIn('/orgs/:tenantId/roles', <RolesPage />),
  signedIn('/orgs/:tenantId/access-rules', <AccessRulesPage />),
  signedIn('/orgs/:tenantId/audit', <AuditLogPage />),
  signedIn('/orgs/:tenantId/integrations', <IntegrationsPage />),
  signedIn('/orgs/:tenantId/teams', <TeamsPage />),
];
