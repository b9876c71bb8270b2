import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { PermissionRule } from '#policy';
import { isUuid, type CursorKey } from '#database';
import { conflictOf } from '../common/db-errors.js';
import { keyset } from '../common/pagination.js';
import { shownName, statusSql, type MemberTeams, type TeamRef } from '../members/index.js';
import { TeamEntity } from './team.entity.js';

/** Teams nest at most this deep, so every walk up or down the tree stays short. */
export const MAX_TEAM_DEPTH = 20;

/** The columns a command may change on a team (permissions have their own statement). */
export type TeamChanges = Partial<
  Pick<TeamEntity, 'name' | 'description' | 'parentId' | 'externalId'>
> & { updatedAt: Date };

/** A direct member of a team as a list shows them: their id and the name people see. */
export interface DirectMember {
  id: string;
  display: string;
}

/** A row of a team's member page. */
export interface TeamMemberRow {
  /** The membership id (with addedAt, the page's cursor). */
  id: string;
  username: string;
  display: string;
  email: string;
  lead: boolean;
  addedAt: Date;
}

/** How a member's name columns arrive from SQL: shownName decides what is shown. */
interface NameColumns {
  display_name: string | null;
  username: string;
  name: object | null;
}

function displayOf(r: NameColumns): string {
  return shownName({ displayName: r.display_name, username: r.username, scim: { name: r.name } });
}

/**
 * Sibling names are unique regardless of case (`teams_sibling_name_key`, mapped to
 * team_name_taken in common/db-errors.ts: a 409 for the admin API, 409 uniqueness for SCIM),
 * raised at the statement that hits it with this write's detail. `name` is the name written; null when a move brings sub-teams along.
 */
async function named<T>(name: string | null, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    throw (
      conflictOf(
        error,
        name !== null
          ? `A team named "${name}" exists under the same parent`
          : 'A sub-team would meet a team of the same name under its new parent',
      ) ?? error
    );
  }
}

/**
 * The teams and team_members of one tenant, through one transaction (or the pool). The only code
 * that writes these tables and the only code that reads them for a command: the tenant is bound
 * once, so no query here can leave it out. (Read models elsewhere: the SCIM list and filter SQL
 * in scim/, the policy snapshot in policy/.)
 */
export class TenantTeams {
  constructor(
    private readonly em: EntityManager,
    readonly tenantId: string,
  ) {}

  // ---- teams ----

  /** A team, or null (also for an id that is no UUID); `lock` takes its row for update. */
  async find(id: string, lock = false): Promise<TeamEntity | null> {
    if (!isUuid(id)) return null;
    const qb = this.em
      .getRepository(TeamEntity)
      .createQueryBuilder('t')
      .where('t.tenant_id = :tenantId AND t.id = :id', { tenantId: this.tenantId, id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** A page of teams in creation order, optionally the children of one team. */
  page(
    filter: { parentId?: string },
    after: CursorKey | null,
    limit: number,
  ): Promise<TeamEntity[]> {
    const qb = this.em
      .getRepository(TeamEntity)
      .createQueryBuilder('t')
      .where('t.tenant_id = :tenantId', { tenantId: this.tenantId });
    if (filter.parentId) qb.andWhere('t.parent_id = :parentId', { parentId: filter.parentId });
    return keyset(qb, 't', 'created_at', after, limit).getMany();
  }

  async insert(team: TeamEntity): Promise<void> {
    if (team.tenantId !== this.tenantId) throw new Error('A team of another tenant');
    await named(
      team.name,
      this.em.query(
        `INSERT INTO teams (tenant_id, id, name, description, parent_id, external_id, permissions, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)`,
        [
          this.tenantId,
          team.id,
          team.name,
          team.description,
          team.parentId,
          team.externalId ?? null,
          JSON.stringify(team.permissions),
          team.createdAt,
          team.updatedAt,
        ],
      ),
    );
  }

  async update(id: string, changes: TeamChanges): Promise<void> {
    await named(
      changes.name ?? null,
      this.em.update(TeamEntity, { tenantId: this.tenantId, id }, changes),
    );
  }

  async setPermissions(id: string, permissions: PermissionRule[], at: Date): Promise<void> {
    await this.em.query(
      'UPDATE teams SET permissions = $3::jsonb, updated_at = $4 WHERE tenant_id = $1 AND id = $2',
      [this.tenantId, id, JSON.stringify(permissions), at],
    );
  }

  async children(id: string): Promise<string[]> {
    const rows: { id: string }[] = await this.em.query(
      'SELECT id FROM teams WHERE tenant_id = $1 AND parent_id = $2',
      [this.tenantId, id],
    );
    return rows.map((r) => r.id);
  }

  /** The sub-teams of `id` move under `parentId` (a delete that keeps them). */
  async moveChildren(id: string, parentId: string | null): Promise<void> {
    await named(
      null,
      this.em.query(
        'UPDATE teams SET parent_id = $3, updated_at = now() WHERE tenant_id = $1 AND parent_id = $2',
        [this.tenantId, id, parentId],
      ),
    );
  }

  /** Deletes the team; its team_members rows go with it (foreign key on delete cascade). */
  async delete(id: string): Promise<void> {
    await this.em.delete(TeamEntity, { tenantId: this.tenantId, id });
  }

  // ---- the tree ----

  /** Whether `candidate` is `teamId` itself or one of its sub-teams (moving under it makes a cycle). */
  async isAncestorOrSelf(teamId: string, candidate: string): Promise<boolean> {
    const [row]: { found: boolean }[] = await this.em.query(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM teams WHERE tenant_id = $1 AND id = $2
         UNION
         SELECT p.id, p.parent_id FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id)
       SELECT EXISTS (SELECT 1 FROM up WHERE id = $3) AS found`,
      [this.tenantId, candidate, teamId],
    );
    return row?.found === true;
  }

  /** Levels below a team (0 for a team without sub-teams). */
  async subtreeHeight(teamId: string): Promise<number> {
    const [row]: { height: number | null }[] = await this.em.query(
      `WITH RECURSIVE down(id, level) AS (
         SELECT id, 0 FROM teams WHERE tenant_id = $1 AND id = $2
         UNION ALL
         SELECT c.id, down.level + 1 FROM down JOIN teams c ON c.tenant_id = $1 AND c.parent_id = down.id
          WHERE down.level < ${MAX_TEAM_DEPTH})
       SELECT max(level)::int AS height FROM down`,
      [this.tenantId, teamId],
    );
    return row?.height ?? 0;
  }

  /** How deep a team sits (1 for a top-level team), counted up to just past the limit. */
  async depth(teamId: string): Promise<number> {
    const [row]: { depth: number | null }[] = await this.em.query(
      `WITH RECURSIVE up(id, parent_id, level) AS (
         SELECT id, parent_id, 1 FROM teams WHERE tenant_id = $1 AND id = $2
         UNION ALL
         SELECT p.id, p.parent_id, up.level + 1 FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id
          WHERE up.level <= ${MAX_TEAM_DEPTH})
       SELECT max(level)::int AS depth FROM up`,
      [this.tenantId, teamId],
    );
    return row?.depth ?? 0;
  }

  /** Whether the member leads this team or a team above it. */
  async leadsOrAbove(memberId: string, teamId: string): Promise<boolean> {
    const [row]: { lead: boolean }[] = await this.em.query(
      `WITH RECURSIVE up(id, parent_id) AS (
         SELECT id, parent_id FROM teams WHERE tenant_id = $1 AND id = $2
         UNION
         SELECT p.id, p.parent_id FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id)
       SELECT EXISTS (SELECT 1 FROM team_members tm
                       WHERE tm.tenant_id = $1 AND tm.membership_id = $3 AND tm.lead
                         AND tm.team_id IN (SELECT id FROM up)) AS lead`,
      [this.tenantId, teamId, memberId],
    );
    return row?.lead === true;
  }

  // ---- team_members ----

  /** The ids of the team's direct members, whatever their status. */
  async memberIds(teamId: string): Promise<string[]> {
    const rows: { membership_id: string }[] = await this.em.query(
      'SELECT membership_id FROM team_members WHERE tenant_id = $1 AND team_id = $2',
      [this.tenantId, teamId],
    );
    return rows.map((r) => r.membership_id);
  }

  /** The member's place in the team, or null. */
  async placeOf(teamId: string, memberId: string): Promise<{ lead: boolean } | null> {
    if (!isUuid(memberId)) return null;
    const [row]: { lead: boolean }[] = await this.em.query(
      'SELECT lead FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND membership_id = $3',
      [this.tenantId, teamId, memberId],
    );
    return row ? { lead: row.lead } : null;
  }

  async addMember(teamId: string, memberId: string, lead: boolean): Promise<void> {
    await this.em.query(
      'INSERT INTO team_members (tenant_id, team_id, membership_id, lead, created_at) VALUES ($1, $2, $3, $4, now())',
      [this.tenantId, teamId, memberId, lead],
    );
  }

  async setLead(teamId: string, memberId: string, lead: boolean): Promise<void> {
    await this.em.query(
      'UPDATE team_members SET lead = $4 WHERE tenant_id = $1 AND team_id = $2 AND membership_id = $3',
      [this.tenantId, teamId, memberId, lead],
    );
  }

  /** Takes the member out of the team; their place as it was, or null if they were not in it. */
  async removeMember(teamId: string, memberId: string): Promise<{ lead: boolean } | null> {
    if (!isUuid(memberId)) return null;
    // DELETE answers [rows, count] through TypeORM.
    const [removed] = await this.em.query<[{ lead: boolean }[], number]>(
      'DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND membership_id = $3 RETURNING lead',
      [this.tenantId, teamId, memberId],
    );
    const row = removed[0];
    return row ? { lead: row.lead } : null;
  }

  /** One statement whatever the count (unnest), so a 10,000-member PATCH is one round trip. */
  async insertMembers(teamId: string, memberIds: string[], at: Date): Promise<void> {
    if (memberIds.length === 0) return;
    await this.em.query(
      `INSERT INTO team_members (tenant_id, team_id, membership_id, lead, created_at)
       SELECT $1, $2, m, false, $4 FROM unnest($3::uuid[]) AS m
       ON CONFLICT DO NOTHING`,
      [this.tenantId, teamId, memberIds, at],
    );
  }

  /** One statement whatever the count, like insertMembers. */
  async deleteMembers(teamId: string, memberIds: string[]): Promise<void> {
    if (memberIds.length === 0) return;
    await this.em.query(
      'DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND membership_id = ANY($3::uuid[])',
      [this.tenantId, teamId, memberIds],
    );
  }

  /** Takes a member out of every team (their removal); the teams they left. */
  async leaveAll(memberId: string): Promise<string[]> {
    // DELETE answers [rows, count] through TypeORM.
    const [left] = await this.em.query<[{ team_id: string }[], number]>(
      'DELETE FROM team_members WHERE tenant_id = $1 AND membership_id = $2 RETURNING team_id',
      [this.tenantId, memberId],
    );
    return left.map((t) => t.team_id);
  }

  /** A page of a team's direct members in the order they joined (one more row, as keyset reads). */
  async memberPage(
    teamId: string,
    after: CursorKey | null,
    limit: number,
  ): Promise<TeamMemberRow[]> {
    const rows: (NameColumns & { id: string; email: string; lead: boolean; created_at: Date })[] =
      await this.em.query(
        `SELECT m.id, m.username, m.display_name, m.scim->'name' AS name, m.email, tm.lead, tm.created_at
           FROM team_members tm
           JOIN memberships m ON m.tenant_id = tm.tenant_id AND m.id = tm.membership_id
          WHERE tm.tenant_id = $1 AND tm.team_id = $2
            AND ($3::timestamptz IS NULL OR (tm.created_at, tm.membership_id) > ($3, $4::uuid))
          ORDER BY tm.created_at, tm.membership_id
          LIMIT $5`,
        [this.tenantId, teamId, after?.at ?? null, after?.id ?? null, limit + 1],
      );
    return rows.map((r) => ({
      id: r.id,
      username: r.username,
      display: displayOf(r),
      email: r.email,
      lead: r.lead,
      addedAt: r.created_at,
    }));
  }

  /** The listed direct members of each team, in the order they joined (SCIM's members). */
  async membersOf(teamIds: string[]): Promise<Map<string, DirectMember[]>> {
    const out = new Map<string, DirectMember[]>();
    if (teamIds.length === 0) return out;
    const rows: (NameColumns & { team_id: string; id: string })[] = await this.em.query(
      `SELECT tm.team_id, m.id, m.display_name, m.username, m.scim->'name' AS name FROM team_members tm
         JOIN memberships m ON m.tenant_id = tm.tenant_id AND m.id = tm.membership_id
        WHERE tm.tenant_id = $1 AND tm.team_id = ANY($2::uuid[]) AND ${statusSql('m.status', 'listed')}
        ORDER BY tm.created_at, m.id`,
      [this.tenantId, teamIds],
    );
    for (const r of rows) {
      const list = out.get(r.team_id) ?? [];
      list.push({ id: r.id, display: displayOf(r) });
      out.set(r.team_id, list);
    }
    return out;
  }

  /** The teams each member is directly in, by name. */
  async teamsOf(memberIds: string[]): Promise<Map<string, TeamRef[]>> {
    const out = new Map<string, TeamRef[]>();
    if (memberIds.length === 0) return out;
    const rows: { membership_id: string; id: string; name: string }[] = await this.em.query(
      `SELECT tm.membership_id, t.id, t.name FROM team_members tm
         JOIN teams t ON t.tenant_id = tm.tenant_id AND t.id = tm.team_id
        WHERE tm.tenant_id = $1 AND tm.membership_id = ANY($2::uuid[])
        ORDER BY t.name, t.id`,
      [this.tenantId, memberIds],
    );
    for (const r of rows) {
      const list = out.get(r.membership_id) ?? [];
      list.push({ id: r.id, name: r.name });
      out.set(r.membership_id, list);
    }
    return out;
  }
}

/**
 * A SQL condition on a membership id column: the member is in the team or a team below it.
 * `tenant` and `team` are the caller's parameter placeholders, so the tenant is in the condition.
 */
function inTeamTree(column: string, tenant: string, team: string): string {
  return `${column} IN (SELECT tm.membership_id FROM team_members tm
                 WHERE tm.tenant_id = ${tenant} AND tm.team_id IN (
                   WITH RECURSIVE down(id) AS (
                     SELECT id FROM teams WHERE tenant_id = ${tenant} AND id = ${team}
                     UNION
                     SELECT c.id FROM teams c JOIN down ON c.tenant_id = ${tenant} AND c.parent_id = down.id)
                   SELECT id FROM down))`;
}

/** The teams and team_members tables' repository: tenant-scoped handles, and the MemberTeams port. */
@Injectable()
export class TeamsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The tenant's teams, through `em` (a transaction) or the pool. */
  of(tenantId: string, em: EntityManager = this.dataSource.manager): TenantTeams {
    return new TenantTeams(em, tenantId);
  }

  /** Team membership as members see it (teams own team_members; members plug this in). */
  readonly memberTeams: MemberTeams = {
    memberRemoved: (em, tenantId, memberId) => this.of(tenantId, em).leaveAll(memberId),
    teamsOf: (em, tenantId, memberIds) => this.of(tenantId, em).teamsOf(memberIds),
    inTeamTree,
  };
}
