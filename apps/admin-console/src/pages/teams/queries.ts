import { keepPreviousData, useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client.js';
import type { components, operations } from '../../api/schema.js';
import type { OrgContext } from '../organization/org-frame.js';

export type Team = components['schemas']['TeamDto'];
export type TeamMember = components['schemas']['TeamMemberDto'];
export type DeleteStrategy = NonNullable<
  NonNullable<operations['TeamsController_remove']['parameters']['query']>['strategy']
>;

/** The strategies DELETE /teams/{id}?strategy= accepts, in the order they are offered. */
export const STRATEGIES = ['refuse', 'move_up'] as const satisfies readonly DeleteStrategy[];

/** Query keys: under ['org', tenantId, 'teams'] so the users page's team names refresh too. */
export const teamKeys = {
  all: (tenantId: string) => ['org', tenantId, 'teams'] as const,
  list: (tenantId: string) => ['org', tenantId, 'teams', 'all'] as const,
  members: (tenantId: string, teamId: string) =>
    ['org', tenantId, 'teams', teamId, 'members'] as const,
  grants: (tenantId: string, teamId: string) =>
    ['org', tenantId, 'teams', teamId, 'grants'] as const,
};

/** PATCH a team: the one call behind rename, move by the menu and move by drag. */
export function patchTeam(
  tenantId: string,
  teamId: string,
  body: { name?: string; parentTeamId?: string | null },
): Promise<Team> {
  return call(() =>
    api.PATCH('/api/v1/tenants/{tenantId}/teams/{teamId}', {
      params: { path: { tenantId, teamId } },
      // The generated type says Record<string, never> for a uuid-or-null field.
      body: body as { name?: string; parentTeamId?: Record<string, never> | null },
    }),
  );
}

/** Every team of the organization: every page of 200, so a large tree is never cut short. */
export function useTeams(tenantId: string) {
  return useQuery({
    queryKey: teamKeys.list(tenantId),
    queryFn: async () => {
      const teams: Team[] = [];
      let cursor: string | null = null;
      do {
        const page = await call(() =>
          api.GET('/api/v1/tenants/{tenantId}/teams', {
            params: { path: { tenantId }, query: { limit: 200, ...(cursor ? { cursor } : {}) } },
          }),
        );
        teams.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return teams;
    },
  });
}

/** A team's members, 200 at a time ("Load more" for the next page). */
export function useTeamMembers(tenantId: string, teamId: string) {
  return useInfiniteQuery({
    queryKey: teamKeys.members(tenantId, teamId),
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/teams/{teamId}/members', {
          params: {
            path: { tenantId, teamId },
            query: { limit: 200, ...(pageParam ? { cursor: pageParam } : {}) },
          },
        }),
      ),
    getNextPageParam: (page) => page.nextCursor,
  });
}

/**
 * The choices of "Add a member": the organization's active members matching what is typed,
 * searched by the server (q), so an organization of any size can be searched.
 */
export function useActiveMembers(tenantId: string, q: string, enabled: boolean) {
  return useQuery({
    queryKey: ['org', tenantId, 'members', 'active-for-teams', q],
    enabled,
    placeholderData: keepPreviousData,
    queryFn: () =>
      call(() =>
        api.GET('/api/v1/tenants/{tenantId}/members', {
          params: {
            path: { tenantId },
            query: { status: 'active', limit: 50, ...(q ? { q } : {}) },
          },
        }),
      ),
  });
}

export interface TeamNode {
  team: Team;
  depth: number;
  children: TeamNode[];
}

/** The nested tree from parentTeamId, siblings by name; a team whose parent is unknown is a root. */
export function buildTree(teams: Team[]): TeamNode[] {
  const ids = new Set(teams.map((x) => x.id));
  const byParent = new Map<string | null, Team[]>();
  for (const team of teams) {
    const parent = team.parentTeamId && ids.has(team.parentTeamId) ? team.parentTeamId : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), team]);
  }
  const grow = (parent: string | null, depth: number): TeamNode[] =>
    (byParent.get(parent) ?? [])
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((team) => ({ team, depth, children: depth < 25 ? grow(team.id, depth + 1) : [] }));
  return grow(null, 0);
}

/** Depth-first, as the parent Select lists them (indented by depth). */
export function flatten(nodes: TeamNode[]): TeamNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}

/**
 * Who may rename, move and delete teams: Managers, Administrators and custom roles (which may
 * grant it); the server decides and its refusals show in place.
 */
export function managesTeams(org: OrgContext): boolean {
  return !['developer', 'viewer', 'member', 'guest'].includes(org.role);
}
