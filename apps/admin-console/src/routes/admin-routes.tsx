import type { RouteObject } from 'react-router';
import { RequireSession } from '../auth/require-session.js';
import { AuditLogPage } from '../pages/admin/audit-log.js';
import { IntegrationsPage } from '../pages/admin/integrations.js';

/** An organization's administration pages: audit log, SCIM and API keys (pages/admin/). */
export const adminRoutes: RouteObject[] = [
  {
    path: '/orgs/:tenantId/audit',
    element: (
      <RequireSession>
        <AuditLogPage />
      </RequireSession>
    ),
  },
  {
    path: '/orgs/:tenantId/integrations',
    element: (
      <RequireSession>
        <IntegrationsPage />
      </RequireSession>
    ),
  },
];
