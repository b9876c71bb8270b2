import type { RouteObject } from 'react-router';

/** An organization's pages under /orgs/:tenantId (pages/organization/). */
export const organizationRoutes: RouteObject[] = [];
