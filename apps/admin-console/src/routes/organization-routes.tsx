import type { RouteObject } from 'react-router';
import { InvitationsPage } from '../pages/organization/invitations-page.js';
import { SectionLink } from '../pages/organization/section-link.js';
import { SettingsPage } from '../pages/organization/settings-page.js';
import { UsersPage } from '../pages/organization/users-page.js';

/** An organization's pages under /orgs/:tenantId (pages/organization/). */
export const organizationRoutes: RouteObject[] = [
  { path: '/orgs/:tenantId/users', element: <UsersPage /> },
  { path: '/orgs/:tenantId/invitations', element: <InvitationsPage /> },
  { path: '/orgs/:tenantId/settings', element: <SettingsPage /> },
  // Addresses other products' docs use (doc 000, doc 003), for the organization you are in.
  { path: '/settings/team', element: <SectionLink section="users" /> },
  { path: '/settings/users', element: <SectionLink section="users" /> },
  { path: '/settings/users/invites', element: <SectionLink section="invitations" /> },
  { path: '/settings/organization', element: <SectionLink section="settings" /> },
];
