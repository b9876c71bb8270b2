import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { normalizeRule, validatePermissionRules, type PermissionRule } from '#policy';
import { isUuid, newId, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Actor, type Principal, type RequestMeta } from '../common/principal.js';
import {
  MembershipsRepository,
  MemberTeamsPort,
  shownName,
  type MemberTeams,
  type TeamRef,
} from '../members/index.js';
import { PolicyService } from '../policy/policy.service.js';
import { uniqueViolation } from '../common/db-errors.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { fieldErrors } from '../common/problem.filter.js';
import type { TenantContext } from '../common/request-context.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type {
  AddTeamMemberDto,
  CreateTeamDto,
  DeleteStrategy,
  TeamQueryDto,
  UpdateTeamDto,
} from './dto/team.dto.js';
import { TeamEntity } from './team.entity.js';

export interface TeamView {
  id: string;
  name: string;
  description: string;
  parentTeamId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Who deletes a team, through which way in (it names the audit event). */
export interface TeamCommand {
  tenantId: string;
  actor: Actor;
  meta: RequestMeta;
  source: 'api' | 'scim';
}

/** Team membership as members see it (the MemberTeams port): teams own team_members. */
const teamMemberships: MemberTeams = {
  async memberRemoved(em, tenantId, memberId) {
    // DELETE answers [rows, count] through TypeORM.
    const [left] = await em.query<[{ team_id: string }[], number]>(
      'DELETE FROM team_members WHERE tenant_id = $1 AND membership_id = $2 RETURNING team_id',
      [tenantId, memberId],
    );
    return left.map((t) => t.team_id);
  },
  async teamsOf(em, tenantId, memberIds) {
    const rows: { membership_id: string; id: string; name: string }[] = await em.query(
      `SELECT tm.membership_id, t.id, t.name FROM team_members tm
         JOIN teams t ON t.tenant_id = tm.tenant_id AND t.id = tm.team_id
        WHERE tm.tenant_id = $1 AND tm.membership_id = ANY($2::uuid[])
        ORDER BY t.name, t.id`,
      [tenantId, memberIds],
    );
    const out = new Map<string, TeamRef[]>();
    for (const r of rows) {
      const list = out.get(r.membership_id) ?? [];
      list.push({ id: r.id, name: r.name });
      out.set(r.membership_id, list);
    }
    return out;
  },
  inTeamTree(column, tenant, team) {
    return `${column} IN (SELECT tm.membership_id FROM team_members tm
                   WHERE tm.tenant_id = ${tenant} AND tm.team_id IN (
                     WITH RECURSIVE down(id) AS (
                       SELECT id FROM teams WHERE tenant_id = ${tenant} AND id = ${team}
                       UNION
                       SELECT c.id FROM teams c JOIN down ON c.tenant_id = ${tenant} AND c.parent_id = down.id)
                     SELECT id FROM down))`;
  },
};

export interface TeamMemberView {
  memberId: string;
  username: string;
  displayName: string;
  email: string;
  lead: boolean;
  addedAt: string;
}

/** Who changes a team's members: a lead-only caller may act only on teams they lead. */
type TeamEditor = Pick<
  TenantContext,
  'tenantId' | 'principal' | 'membership' | 'teamLeadOnly' | 'meta'
>;

/** Teams nest at most this deep, so every walk up or down the tree stays short. */
export const MAX_TEAM_DEPTH = 20;

/**
 * Teams and departments (teams with sub-teams), their members and leads, and the rules granted to
 * them. Changes to the tree hold the tenant's lock (no two moves can make a cycle together);
 * changes to one team's members lock that team's row. Every change that can alter a decision
 * (membership, lead, parent, grants, deletion) tells the policy cache in the same transaction.
 */
@Injectable()
export class TeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
    private readonly memberships: MembershipsRepository,
    memberTeams: MemberTeamsPort,
  ) {
    memberTeams.plug(teamMemberships);
  }

  async create(
    tenantId: string,
    dto: CreateTeamDto,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<TeamView> {
    return this.named(dto.name, () =>
      this.dataSource.transaction(async (em) => {
        await lockTenant(em, tenantId);
        const parentId = dto.parentTeamId ?? null;
        if (parentId) {
          await this.find(em, tenantId, parentId, 'parentTeamId');
          await assertDepth(em, tenantId, parentId, 0);
        }
        const now = new Date();
        const team: TeamEntity = {
          tenantId,
          id: newId(),
          name: dto.name,
          description: dto.description ?? '',
          parentId,
          permissions: [],
          createdAt: now,
          updatedAt: now,
        };
        await em.getRepository(TeamEntity).insert(team as never);
        await this.record(em, tenantId, 'team.created', team.id, actor, meta, {
          after: { name: team.name, parentTeamId: parentId },
        });
        return toView(team);
      }),
    );
  }

  async list(
    tenantId: string,
    query: TeamQueryDto,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<TeamView>> {
    const qb = this.dataSource
      .getRepository(TeamEntity)
      .createQueryBuilder('t')
      .where('t.tenant_id = :tenantId', { tenantId });
    if (query.parentTeamId)
      qb.andWhere('t.parent_id = :parentId', { parentId: query.parentTeamId });
    const rows = await keyset(qb, 't', 'created_at', after, limit).getMany();
    return pageOf(rows, limit, (t) => t.createdAt, toView);
  }

  async get(tenantId: string, id: string): Promise<TeamView> {
    return toView(await this.find(this.dataSource.manager, tenantId, id));
  }

  async update(
    tenantId: string,
    id: string,
    dto: UpdateTeamDto,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<TeamView> {
    return this.named(dto.name ?? '', () =>
      this.dataSource.transaction(async (em) => {
        await lockTenant(em, tenantId);
        const team = await this.find(em, tenantId, id);
        const parentId = dto.parentTeamId === undefined ? team.parentId : dto.parentTeamId;
        const moved = parentId !== team.parentId;
        if (moved && parentId) {
          await this.find(em, tenantId, parentId, 'parentTeamId');
          if (await isAncestorOrSelf(em, tenantId, id, parentId))
            throw new DomainException(
              ErrorCode.TeamCycle,
              'The new parent is this team or one of its sub-teams',
            );
          await assertDepth(em, tenantId, parentId, await subtreeHeight(em, tenantId, id));
        }
        const next: TeamEntity = {
          ...team,
          name: dto.name ?? team.name,
          description: dto.description ?? team.description,
          parentId,
          updatedAt: new Date(),
        };
        await em.update(
          TeamEntity,
          { tenantId, id },
          {
            name: next.name,
            description: next.description,
            parentId,
            updatedAt: next.updatedAt,
          },
        );
        await this.record(em, tenantId, moved ? 'team.moved' : 'team.updated', id, actor, meta, {
          before: { name: team.name, description: team.description, parentTeamId: team.parentId },
          after: { name: next.name, description: next.description, parentTeamId: parentId },
        });
        // Inherited grants and team-bound access rules follow the tree.
        if (moved) await this.policies.changed(em, tenantId);
        return toView(next);
      }),
    );
  }

  /**
   * Deletes a team, for every way in (the teams API and SCIM Groups). `refuse` keeps a team that
   * has sub-teams or members; `move_up` moves its sub-teams up to its parent (touching their
   * versions) and takes its members out. Holds the tenant's lock: no move can race the tree.
   */
  async remove(
    cmd: TeamCommand,
    id: string,
    strategy: DeleteStrategy,
    check?: (team: TeamEntity) => void,
  ): Promise<void> {
    const { tenantId } = cmd;
    await this.named('', () =>
      this.dataSource.transaction(async (em) => {
        await lockTenant(em, tenantId);
        const team = await this.find(em, tenantId, id);
        check?.(team);
        const children: { id: string }[] = await em.query(
          'SELECT id FROM teams WHERE tenant_id = $1 AND parent_id = $2',
          [tenantId, id],
        );
        const members: { membership_id: string }[] = await em.query(
          'SELECT membership_id FROM team_members WHERE tenant_id = $1 AND team_id = $2',
          [tenantId, id],
        );
        if (strategy === 'refuse' && children.length + members.length > 0) {
          throw new DomainException(
            ErrorCode.TeamNotEmpty,
            `The team has ${children.length} sub-team(s) and ${members.length} member(s): delete with ?strategy=move_up to move its sub-teams up and take its members out of it`,
          );
        }
        await em.query(
          'UPDATE teams SET parent_id = $3, updated_at = now() WHERE tenant_id = $1 AND parent_id = $2',
          [tenantId, id, team.parentId],
        );
        await em.delete(TeamEntity, { tenantId, id });
        await this.audit.record(em, {
          tenantId,
          type: cmd.source === 'scim' ? 'scim.group.deleted' : 'team.deleted',
          actor: cmd.actor,
          target: { type: 'team', id },
          meta: cmd.meta,
          changes: {
            before: {
              name: team.name,
              externalId: team.externalId,
              parentTeamId: team.parentId,
              permissions: team.permissions,
              subTeams: children.map((c) => c.id),
              members: members.map((m) => m.membership_id),
            },
            after: { strategy, subTeamsMovedTo: team.parentId },
          },
        });
        await this.policies.changed(em, tenantId);
      }),
    );
  }

  async members(
    tenantId: string,
    teamId: string,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<TeamMemberView>> {
    await this.find(this.dataSource.manager, tenantId, teamId);
    const rows: {
      id: string;
      username: string;
      display_name: string | null;
      name: object | null;
      email: string;
      lead: boolean;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT m.id, m.username, m.display_name, m.scim->'name' AS name, m.email, tm.lead, tm.created_at
         FROM team_members tm
         JOIN memberships m ON m.tenant_id = tm.tenant_id AND m.id = tm.membership_id
        WHERE tm.tenant_id = $1 AND tm.team_id = $2
          AND ($3::timestamptz IS NULL OR (tm.created_at, tm.membership_id) > ($3, $4::uuid))
        ORDER BY tm.created_at, tm.membership_id
        LIMIT $5`,
      [tenantId, teamId, after?.at ?? null, after?.id ?? null, limit + 1],
    );
    return pageOf(
      rows,
      limit,
      (r) => r.created_at,
      (r) => ({
        memberId: r.id,
        username: r.username,
        displayName: shownName({
          displayName: r.display_name,
          username: r.username,
          scim: { name: r.name },
        }),
        email: r.email,
        lead: r.lead,
        addedAt: r.created_at.toISOString(),
      }),
    );
  }

  /** Adds a member to the team, or changes whether they lead it; 201 when newly added. */
  async addMember(
    editor: TeamEditor,
    teamId: string,
    dto: AddTeamMemberDto,
  ): Promise<{ created: boolean; member: { memberId: string; teamId: string; lead: boolean } }> {
    const { tenantId, meta } = editor;
    return this.dataSource.transaction(async (em) => {
      await this.lockTeam(em, tenantId, teamId);
      await this.assertMayEditMembers(em, tenantId, teamId, editor, meta);
      const [member] = await this.memberships.of(tenantId, em).lockListed([dto.memberId]);
      if (!member)
        throw new DomainException(ErrorCode.MemberNotFound, `No member ${dto.memberId} here`);
      const [existing]: { lead: boolean }[] = await em.query(
        'SELECT lead FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND membership_id = $3',
        [tenantId, teamId, dto.memberId],
      );
      const lead = dto.lead ?? existing?.lead ?? false;
      if (editor.teamLeadOnly && lead !== (existing?.lead ?? false))
        throw new DomainException(
          ErrorCode.PermissionDenied,
          'A team lead may add and remove members, not appoint or demote leads',
        );
      const result = { memberId: dto.memberId, teamId, lead };
      if (existing && existing.lead === lead) return { created: false, member: result };
      if (existing) {
        await em.query(
          'UPDATE team_members SET lead = $4 WHERE tenant_id = $1 AND team_id = $2 AND membership_id = $3',
          [tenantId, teamId, dto.memberId, lead],
        );
      } else {
        await em.query(
          'INSERT INTO team_members (tenant_id, team_id, membership_id, lead, created_at) VALUES ($1, $2, $3, $4, now())',
          [tenantId, teamId, dto.memberId, lead],
        );
      }
      await this.record(
        em,
        tenantId,
        existing ? 'team.lead_changed' : 'team.member_added',
        teamId,
        editor.principal,
        meta,
        {
          ...(existing ? { before: { memberId: dto.memberId, lead: existing.lead } } : {}),
          after: { memberId: dto.memberId, lead },
        },
      );
      await this.policies.changed(em, tenantId);
      return { created: !existing, member: result };
    });
  }

  async removeMember(editor: TeamEditor, teamId: string, memberId: string): Promise<void> {
    const { tenantId, meta } = editor;
    await this.dataSource.transaction(async (em) => {
      await this.lockTeam(em, tenantId, teamId);
      await this.assertMayEditMembers(em, tenantId, teamId, editor, meta);
      // DELETE answers [rows, count] through TypeORM.
      const [removed] = isUuid(memberId)
        ? await em.query<[{ lead: boolean }[], number]>(
            'DELETE FROM team_members WHERE tenant_id = $1 AND team_id = $2 AND membership_id = $3 RETURNING lead',
            [tenantId, teamId, memberId],
          )
        : [[]];
      const row = removed[0];
      if (!row) throw new DomainException(ErrorCode.TeamMemberNotFound);
      await this.record(em, tenantId, 'team.member_removed', teamId, editor.principal, meta, {
        before: { memberId, lead: row.lead },
      });
      await this.policies.changed(em, tenantId);
    });
  }

  async permissions(tenantId: string, teamId: string): Promise<{ permissions: PermissionRule[] }> {
    const team = await this.find(this.dataSource.manager, tenantId, teamId);
    return { permissions: team.permissions };
  }

  /** Replaces the rules granted to the team's members and to members of its sub-teams. */
  async setPermissions(
    tenantId: string,
    teamId: string,
    rules: unknown,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<{ permissions: PermissionRule[] }> {
    const problems = validatePermissionRules(rules);
    if (problems.length > 0) throw fieldErrors(problems);
    const permissions = (rules as PermissionRule[]).map(normalizeRule);
    return this.dataSource.transaction(async (em) => {
      const team = await this.lockTeam(em, tenantId, teamId);
      await em.update(
        TeamEntity,
        { tenantId, id: teamId },
        { permissions: permissions as never, updatedAt: new Date() },
      );
      await this.record(em, tenantId, 'team.permissions_changed', teamId, actor, meta, {
        before: { permissions: team.permissions },
        after: { permissions },
      });
      await this.policies.changed(em, tenantId);
      return { permissions };
    });
  }

  /**
   * A lead-only caller must lead this team or a team above it. A refusal is an `access.denied`
   * event like the guard's, written on its own since the change's transaction rolls back.
   */
  private async assertMayEditMembers(
    em: EntityManager,
    tenantId: string,
    teamId: string,
    editor: TeamEditor,
    meta: RequestMeta,
  ): Promise<void> {
    if (!editor.teamLeadOnly) return;
    const [row]: { lead: boolean }[] = editor.membership
      ? await em.query(
          `WITH RECURSIVE up(id, parent_id) AS (
             SELECT id, parent_id FROM teams WHERE tenant_id = $1 AND id = $2
             UNION
             SELECT p.id, p.parent_id FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id)
           SELECT EXISTS (SELECT 1 FROM team_members tm
                           WHERE tm.tenant_id = $1 AND tm.membership_id = $3 AND tm.lead
                             AND tm.team_id IN (SELECT id FROM up)) AS lead`,
          [tenantId, teamId, editor.membership.id],
        )
      : [];
    if (!row?.lead) {
      await this.dataSource.transaction((denial) =>
        this.audit.record(denial, {
          tenantId,
          type: 'access.denied',
          actor: actorOf(editor.principal),
          target: { type: 'team', id: teamId },
          meta,
          changes: {
            after: { code: ErrorCode.PermissionDenied, permission: 'update Team (or team lead)' },
          },
        }),
      );
      throw new DomainException(
        ErrorCode.PermissionDenied,
        'Only the leads of this team (or of a team above it) and those whose role manages teams may change its members',
      );
    }
  }

  private async lockTeam(em: EntityManager, tenantId: string, id: string): Promise<TeamEntity> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.TeamNotFound);
    const team = await em
      .getRepository(TeamEntity)
      .createQueryBuilder('t')
      .setLock('pessimistic_write')
      .where('t.tenant_id = :tenantId AND t.id = :id', { tenantId, id })
      .getOne();
    if (!team) throw new DomainException(ErrorCode.TeamNotFound);
    return team;
  }

  private async find(
    em: EntityManager,
    tenantId: string,
    id: string,
    field?: string,
  ): Promise<TeamEntity> {
    const team = isUuid(id) ? await em.getRepository(TeamEntity).findOneBy({ tenantId, id }) : null;
    if (!team)
      throw new DomainException(
        ErrorCode.TeamNotFound,
        field ? `No team ${id} in this organization (${field})` : undefined,
      );
    return team;
  }

  private record(
    em: EntityManager,
    tenantId: string,
    type: string,
    teamId: string,
    actor: Principal,
    meta: RequestMeta,
    changes: { before?: Record<string, unknown>; after?: Record<string, unknown> },
  ): Promise<void> {
    return this.audit.record(em, {
      tenantId,
      type,
      actor: actorOf(actor),
      target: { type: 'team', id: teamId },
      meta,
      changes,
    });
  }

  /** Sibling names are unique regardless of case: a clash is a 409, not a 500. */
  private async named<T>(name: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (uniqueViolation(error) === 'teams_sibling_name_key')
        throw new DomainException(
          ErrorCode.TeamNameTaken,
          name
            ? `A team named "${name}" exists under the same parent`
            : 'A sub-team would meet a team of the same name under its new parent',
        );
      throw error;
    }
  }
}

/** Whether `candidate` is `teamId` itself or one of its sub-teams (moving under it makes a cycle). */
async function isAncestorOrSelf(
  em: EntityManager,
  tenantId: string,
  teamId: string,
  candidate: string,
): Promise<boolean> {
  const [row]: { found: boolean }[] = await em.query(
    `WITH RECURSIVE up(id, parent_id) AS (
       SELECT id, parent_id FROM teams WHERE tenant_id = $1 AND id = $2
       UNION
       SELECT p.id, p.parent_id FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id)
     SELECT EXISTS (SELECT 1 FROM up WHERE id = $3) AS found`,
    [tenantId, candidate, teamId],
  );
  return row?.found === true;
}

/** Levels below a team (0 for a team without sub-teams). */
async function subtreeHeight(em: EntityManager, tenantId: string, teamId: string): Promise<number> {
  const [row]: { height: number }[] = await em.query(
    `WITH RECURSIVE down(id, level) AS (
       SELECT id, 0 FROM teams WHERE tenant_id = $1 AND id = $2
       UNION ALL
       SELECT c.id, down.level + 1 FROM down JOIN teams c ON c.tenant_id = $1 AND c.parent_id = down.id
        WHERE down.level < ${MAX_TEAM_DEPTH})
     SELECT max(level)::int AS height FROM down`,
    [tenantId, teamId],
  );
  return row?.height ?? 0;
}

/** Refuses to put `height + 1` more levels under `parentId` beyond the depth limit. */
async function assertDepth(
  em: EntityManager,
  tenantId: string,
  parentId: string,
  height: number,
): Promise<void> {
  const [row]: { depth: number }[] = await em.query(
    `WITH RECURSIVE up(id, parent_id, level) AS (
       SELECT id, parent_id, 1 FROM teams WHERE tenant_id = $1 AND id = $2
       UNION ALL
       SELECT p.id, p.parent_id, up.level + 1 FROM up JOIN teams p ON p.tenant_id = $1 AND p.id = up.parent_id
        WHERE up.level <= ${MAX_TEAM_DEPTH})
     SELECT max(level)::int AS depth FROM up`,
    [tenantId, parentId],
  );
  if ((row?.depth ?? 0) + 1 + height > MAX_TEAM_DEPTH)
    throw fieldErrors([
      { field: 'parentTeamId', message: `teams nest at most ${MAX_TEAM_DEPTH} levels deep` },
    ]);
}

function toView(t: TeamEntity): TeamView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    parentTeamId: t.parentId,
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
