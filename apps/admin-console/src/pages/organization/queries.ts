import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client.js';
import { formatDateTime } from '../../components/section.js';
import type { components } from '../../api/schema.js';
import { roleName } from './capabilities.js';

export type Member = components['schemas']['MemberDto'];
export type Invitation = components['schemas']['InvitationDto'];
export type InvitationWithLink = components['schemas']['InvitationWithLinkDto'];
export type MemberStatus = Member['status'];
export type InvitationStatus = Invitation['status'];

export interface MemberFilters {
  q: string;
  status: MemberStatus | null;
  role: string | null;
}

const PAGE = 50;

/** Query keys: everything of one tenant starts with ['org', tenantId]. */
export const keys = {
  org: (tenantId: string) => ['org', tenantId] as const,
  members: (tenantId: string, f?: MemberFilters) =>
    f ? (['org', tenantId, 'members', f] as const) : (['org', tenantId, 'members'] as const),
  admins: (tenantId: string) => ['org', tenantId, 'members', 'active-admins'] as const,
  invitations: (tenantId: string) => ['org', tenantId, 'invitations'] as const,
  limits: (tenantId: string) => ['org', tenantId, 'limits'] as const,
  tenant: (tenantId: string) => ['org', tenantId, 'tenant'] as const,
};

export function useMembers(tenantId: string, filters: MemberFilters) {
  return useInfiniteQuery({
    queryKey: keys.members(tenantId, filters),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/members', {
          params: {
            path: { tenantId },
            query: {
              limit: PAGE,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(filters.q.trim() ? { q: filters.q.trim() } : {}),
              ...(filters.status ? { status: filters.status } : {}),
              ...(filters.role ? { role: filters.role } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

/** The active Administrators, two at most: enough to know whether one is the last. */
export function useActiveAdmins(tenantId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.admins(tenantId),
    enabled,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/members', {
          params: { path: { tenantId }, query: { role: 'admin', status: 'active', limit: 2 } },
        }),
      ).then((page) => page.data.map((m) => m.id)),
  });
}

/** Role keys and their names (custom roles included). */
export function useRoles(tenantId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['org', tenantId, 'roles'],
    enabled,
    queryFn: () =>
      call(() => api.GET('/api/v1/tenants/{tenantId}/roles', { params: { path: { tenantId } } })),
    select: (page) =>
      page.data.map((r) => ({ key: r.key, name: r.builtIn ? roleName(r.key) : r.name })),
  });
}

/** A custom role's rules, for what the console offers its holders; null when they may not read them. */
export function useRoleRules(tenantId: string, roleKey: string | undefined, enabled: boolean) {
  return useQuery({
    queryKey: ['org', tenantId, 'role', roleKey],
    enabled: enabled && roleKey !== undefined,
    staleTime: 60_000,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/roles/{roleKey}', {
          params: { path: { tenantId, roleKey: roleKey ?? '' } },
        }),
      )
        .then((role) => role.permissions)
        .catch(() => null),
  });
}

/** Most teams named in the Teams column; beyond them a row says "and N more". */
const TEAM_NAME_PAGES = 10;

/** Team names by id, for the Teams column (the member answer names ids): up to 2,000 teams. */
export function useTeamNames(tenantId: string, enabled: boolean) {
  return useQuery({
    queryKey: ['org', tenantId, 'teams'],
    enabled,
    queryFn: async () => {
      const names = new Map<string, string>();
      let cursor: string | null = null;
      for (let page = 0; page < TEAM_NAME_PAGES; page++) {
        const answer = await call(() =>
          api.GET('/api/v1/tenants/{tenantId}/teams', {
            params: { path: { tenantId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        );
        for (const team of answer.data) names.set(team.id, team.name);
        cursor = answer.nextCursor;
        if (!cursor) break;
      }
      return names;
    },
  });
}

export function useLimits(tenantId: string, enabled: boolean) {
  return useQuery({
    queryKey: keys.limits(tenantId),
    enabled,
    queryFn: () =>
      call(() => api.GET('/api/v1/tenants/{tenantId}/limits', { params: { path: { tenantId } } })),
  });
}

export function useInvitations(tenantId: string, status: InvitationStatus | null) {
  return useInfiniteQuery({
    queryKey: [...keys.invitations(tenantId), status],
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/invitations', {
          params: {
            path: { tenantId },
            query: {
              limit: PAGE,
              ...(pageParam ? { cursor: pageParam } : {}),
              ...(status ? { status } : {}),
            },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

export function useTenant(tenantId: string) {
  return useQuery({
    queryKey: keys.tenant(tenantId),
    queryFn: () =>
      call(() => api.GET('/api/v1/tenants/{tenantId}', { params: { path: { tenantId } } })),
  });
}

/** formatDateTime for a time that may be missing (never active, no expiry). */
export function formatDate(iso: string | null): string | null {
  return iso ? formatDateTime(iso) : null;
}
