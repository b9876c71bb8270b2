import type { RouteObject } from 'react-router';

/** Sign-up, email links, the invitation landing and the profile (pages/account/). */
export const accountRoutes: RouteObject[] = [];
