import type { RouteObject } from 'react-router';
import { InvitationsPage } from '../pages/organization/invitations-page.js';
import { SettingsPage } from '../pages/organization/settings-page.js';
import { UsersPage } from '../pages/organization/users-page.js';

/** An organization's pages under /orgs/:tenantId (pages/organization/). */
export const organizationRoutes: RouteObject[] = [
  { path: '/orgs/:tenantId/users', element: <UsersPage /> },
  { path: '/orgs/:tenantId/invitations', element: <InvitationsPage /> },
  { path: '/orgs/:tenantId/settings', element: <SettingsPage /> },
];
