import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';

export interface TeamRef {
  id: string;
  name: string;
}

/**
 * What members need of teams, without depending on them: teams depend on members (a team member
 * is a membership), so the teams feature implements this and plugs it in at start.
 */
export interface MemberTeams {
  /** Takes a removed member out of every team (inside the removal's transaction); the teams left. */
  memberRemoved(em: EntityManager, tenantId: string, memberId: string): Promise<string[]>;
  /** The teams each member is directly in, for a page of members. */
  teamsOf(
    em: EntityManager,
    tenantId: string,
    memberIds: string[],
  ): Promise<Map<string, TeamRef[]>>;
  /**
   * A SQL condition on a membership id column: the member is in the team or a team below it.
   * `tenant` and `team` are the query's parameter placeholders.
   */
  inTeamTree(memberIdColumn: string, tenant: string, team: string): string;
}

/** Holds the teams feature's implementation of MemberTeams. */
@Injectable()
export class MemberTeamsPort implements MemberTeams {
  private impl: MemberTeams | null = null;

  plug(impl: MemberTeams): void {
    this.impl = impl;
  }

  private get teams(): MemberTeams {
    if (!this.impl) throw new Error('The teams feature has not plugged MemberTeams in');
    return this.impl;
  }

  memberRemoved(em: EntityManager, tenantId: string, memberId: string): Promise<string[]> {
    return this.teams.memberRemoved(em, tenantId, memberId);
  }

  teamsOf(
    em: EntityManager,
    tenantId: string,
    memberIds: string[],
  ): Promise<Map<string, TeamRef[]>> {
    if (memberIds.length === 0) return Promise.resolve(new Map<string, TeamRef[]>());
    return this.teams.teamsOf(em, tenantId, memberIds);
  }

  inTeamTree(memberIdColumn: string, tenant: string, team: string): string {
    return this.teams.inTeamTree(memberIdColumn, tenant, team);
  }
}
