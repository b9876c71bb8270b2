import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { normalizeRule, validatePermissionRules, type PermissionRule } from '#policy';
import { isUuid, newId, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Actor, type Principal, type RequestMeta } from '../common/principal.js';
import { MembershipsRepository, MemberTeamsPort } from '../members/index.js';
import { PolicyService } from '../policy/policy.service.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { pageOf, type Page } from '../common/pagination.js';
import { fieldErrors } from '../common/problem.filter.js';
import type { TenantContext } from '../common/request-context.js';
import { laterThan } from '../common/change-time.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type {
  AddTeamMemberDto,
  CreateTeamDto,
  DeleteStrategy,
  TeamQueryDto,
  UpdateTeamDto,
} from './dto/team.dto.js';
import { TeamEntity } from './team.entity.js';
import {
  MAX_TEAM_DEPTH,
  TeamsRepository,
  type DirectMember,
  type TenantTeams,
} from './teams.repository.js';

export interface TeamView {
  id: string;
  name: string;
  description: string;
  parentTeamId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The way in that drives a change: it names the audit events (the contract keeps both sets). */
export type TeamSource = 'api' | 'scim';

/** Who changes a team, through which way in. */
export interface TeamCommand {
  tenantId: string;
  actor: Actor;
  meta: RequestMeta;
  source: TeamSource;
}

/** A team as an identity provider describes it (a SCIM Group): name, externalId, direct members. */
export interface ProvisionedTeam {
  name: string;
  externalId: string | null;
  memberIds: string[];
}

/** A team with its direct listed members, as an identity provider sees it. */
export interface TeamWithMembers {
  team: TeamEntity;
  members: DirectMember[];
}

const EVENTS: Record<TeamSource, Record<'created' | 'updated' | 'deleted', string>> = {
  api: { created: 'team.created', updated: 'team.updated', deleted: 'team.deleted' },
  scim: {
    created: 'scim.group.created',
    updated: 'scim.group.updated',
    deleted: 'scim.group.deleted',
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

/** Shown in errors: enough ids to find the culprits, not the whole request back. */
const IDS_IN_ERRORS = 5;

/**
 * Teams and departments (teams with sub-teams), their members and leads, and the rules granted to
 * them: the one place where teams change, for the teams API and SCIM Groups alike. Changes to the
 * tree hold the tenant's lock (no two moves can make a cycle together); changes to one team's
 * members lock that team's row. Every change that can alter a decision (membership, lead, parent,
 * grants, deletion) tells the policy cache in the same transaction.
 */
@Injectable()
export class TeamsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: TeamsRepository,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
    private readonly memberships: MembershipsRepository,
    memberTeams: MemberTeamsPort,
  ) {
    memberTeams.plug(repository.memberTeams);
  }

  async create(
    tenantId: string,
    dto: CreateTeamDto,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<TeamView> {
    return this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const teams = this.repository.of(tenantId, em);
      const parentId = dto.parentTeamId ?? null;
      if (parentId) {
        await found(teams, parentId, 'parentTeamId');
        await assertDepth(teams, parentId, 0);
      }
      const now = new Date();
      const team: TeamEntity = {
        tenantId,
        id: newId(),
        name: dto.name,
        description: dto.description ?? '',
        parentId,
        externalId: null,
        permissions: [],
        createdAt: now,
        updatedAt: now,
      };
      await teams.insert(team);
      await this.record(em, tenantId, 'team.created', team.id, actor, meta, {
        after: { name: team.name, parentTeamId: parentId },
      });
      return toView(team);
    });
  }

  async list(
    tenantId: string,
    query: TeamQueryDto,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<TeamView>> {
    const rows = await this.repository
      .of(tenantId)
      .page({ parentId: query.parentTeamId }, after, limit);
    return pageOf(rows, limit, (t) => t.createdAt, toView);
  }

  async get(tenantId: string, id: string): Promise<TeamView> {
    return toView(await found(this.repository.of(tenantId), id));
  }

  async update(
    tenantId: string,
    id: string,
    dto: UpdateTeamDto,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<TeamView> {
    return this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const teams = this.repository.of(tenantId, em);
      const team = await found(teams, id);
      const parentId = dto.parentTeamId === undefined ? team.parentId : dto.parentTeamId;
      const moved = parentId !== team.parentId;
      if (moved && parentId) {
        await found(teams, parentId, 'parentTeamId');
        if (await teams.isAncestorOrSelf(id, parentId))
          throw new DomainException(
            ErrorCode.TeamCycle,
            'The new parent is this team or one of its sub-teams',
          );
        await assertDepth(teams, parentId, await teams.subtreeHeight(id));
      }
      const next: TeamEntity = {
        ...team,
        name: dto.name ?? team.name,
        description: dto.description ?? team.description,
        parentId,
        updatedAt: new Date(),
      };
      await teams.update(id, {
        name: next.name,
        description: next.description,
        parentId,
        updatedAt: next.updatedAt,
      });
      await this.record(em, tenantId, moved ? 'team.moved' : 'team.updated', id, actor, meta, {
        before: { name: team.name, description: team.description, parentTeamId: team.parentId },
        after: { name: next.name, description: next.description, parentTeamId: parentId },
      });
      // Inherited grants and team-bound access rules follow the tree.
      if (moved) await this.policies.changed(em, tenantId);
      return toView(next);
    });
  }

  /**
   * A top-level team from an identity provider (SCIM create), with its first members, each a
   * listed member of the tenant. No tenant lock: a root team cannot make a cycle, and the unique
   * sibling-name index settles two creates of the same name.
   */
  async provision(cmd: TeamCommand, fields: ProvisionedTeam): Promise<TeamWithMembers> {
    return this.dataSource.transaction(async (em) => {
      const teams = this.repository.of(cmd.tenantId, em);
      const members = await this.listedMembers(em, cmd.tenantId, fields.memberIds);
      const now = new Date();
      const team: TeamEntity = {
        tenantId: cmd.tenantId,
        id: newId(),
        name: fields.name,
        description: '',
        parentId: null,
        externalId: fields.externalId,
        permissions: [],
        createdAt: now,
        updatedAt: now,
      };
      await teams.insert(team);
      await teams.insertMembers(team.id, fields.memberIds, now);
      await this.recordCommand(em, cmd, 'created', team.id, {
        after: {
          displayName: team.name,
          externalId: team.externalId,
          membersAdded: fields.memberIds,
        },
      });
      // Team membership decides team grants: the tenant's cached policies drop on every instance.
      await this.policies.changed(em, cmd.tenantId);
      return { team, members };
    });
  }

  /**
   * A new name, externalId and member list from an identity provider (SCIM PUT and PATCH).
   * `next` computes them under the team's row lock from the team and its current members (it may
   * refuse, e.g. on a stale If-Match). Only the difference is written: members added (each a listed
   * member of the tenant) and members removed, so concurrent changes are serialized by the lock
   * and never lose a member. Nothing changed, nothing written.
   */
  async updateProvisioned(
    cmd: TeamCommand,
    id: string,
    next: (current: TeamWithMembers) => ProvisionedTeam,
  ): Promise<TeamWithMembers> {
    const { tenantId } = cmd;
    return this.dataSource.transaction(async (em) => {
      const teams = this.repository.of(tenantId, em);
      const team = await found(teams, id, undefined, true);
      const current = (await teams.membersOf([id])).get(id) ?? [];
      const fields = next({ team, members: current });
      const before = new Set(current.map((m) => m.id));
      const after = new Set(fields.memberIds);
      const added = fields.memberIds.filter((m) => !before.has(m));
      const removed = current.map((m) => m.id).filter((m) => !after.has(m));
      const renamed = fields.name !== team.name;
      const externalChanged = fields.externalId !== (team.externalId ?? null);
      if (!renamed && !externalChanged && added.length === 0 && removed.length === 0)
        return { team, members: current };
      const addedMembers = await this.listedMembers(em, tenantId, added);
      const updated: TeamEntity = {
        ...team,
        name: fields.name,
        externalId: fields.externalId,
        updatedAt: laterThan(team.updatedAt),
      };
      await teams.update(id, {
        name: updated.name,
        externalId: updated.externalId,
        updatedAt: updated.updatedAt,
      });
      await teams.deleteMembers(id, removed);
      await teams.insertMembers(id, added, updated.updatedAt);
      await this.recordCommand(em, cmd, 'updated', id, {
        before: {
          ...(renamed ? { displayName: team.name } : {}),
          ...(externalChanged ? { externalId: team.externalId ?? null } : {}),
        },
        after: {
          ...(renamed ? { displayName: updated.name } : {}),
          ...(externalChanged ? { externalId: updated.externalId } : {}),
          ...(added.length > 0 ? { membersAdded: added } : {}),
          ...(removed.length > 0 ? { membersRemoved: removed } : {}),
        },
      });
      await this.policies.changed(em, tenantId);
      const kept = current.filter((m) => after.has(m.id));
      return { team: updated, members: [...kept, ...addedMembers] };
    });
  }

  /** A team and, when asked, its direct listed members (SCIM reads); null if there is none. */
  async withMembers(
    tenantId: string,
    id: string,
    members: boolean,
  ): Promise<{ team: TeamEntity; members: DirectMember[] | null } | null> {
    const teams = this.repository.of(tenantId);
    const team = await teams.find(id);
    if (!team) return null;
    return { team, members: members ? ((await teams.membersOf([id])).get(id) ?? []) : null };
  }

  /** The direct listed members of each team (SCIM lists). */
  membersOf(tenantId: string, teamIds: string[]): Promise<Map<string, DirectMember[]>> {
    return this.repository.of(tenantId).membersOf(teamIds);
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
    await this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const teams = this.repository.of(tenantId, em);
      const team = await found(teams, id);
      check?.(team);
      const children = await teams.children(id);
      const members = await teams.memberIds(id);
      if (strategy === 'refuse' && children.length + members.length > 0) {
        throw new DomainException(
          ErrorCode.TeamNotEmpty,
          `The team has ${children.length} sub-team(s) and ${members.length} member(s): delete with ?strategy=move_up to move its sub-teams up and take its members out of it`,
        );
      }
      await teams.moveChildren(id, team.parentId);
      await teams.delete(id);
      await this.recordCommand(em, cmd, 'deleted', id, {
        before: {
          name: team.name,
          externalId: team.externalId,
          parentTeamId: team.parentId,
          permissions: team.permissions,
          subTeams: children,
          members,
        },
        after: { strategy, subTeamsMovedTo: team.parentId },
      });
      await this.policies.changed(em, tenantId);
    });
  }

  async members(
    tenantId: string,
    teamId: string,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<TeamMemberView>> {
    const teams = this.repository.of(tenantId);
    await found(teams, teamId);
    const rows = await teams.memberPage(teamId, after, limit);
    return pageOf(
      rows,
      limit,
      (r) => r.addedAt,
      (r) => ({
        memberId: r.id,
        username: r.username,
        displayName: r.display,
        email: r.email,
        lead: r.lead,
        addedAt: r.addedAt.toISOString(),
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
      const teams = this.repository.of(tenantId, em);
      await found(teams, teamId, undefined, true);
      await this.assertMayEditMembers(teams, teamId, editor, meta);
      const [member] = await this.memberships.of(tenantId, em).lockListed([dto.memberId]);
      if (!member)
        throw new DomainException(ErrorCode.MemberNotFound, `No member ${dto.memberId} here`);
      const existing = await teams.placeOf(teamId, dto.memberId);
      const lead = dto.lead ?? existing?.lead ?? false;
      if (editor.teamLeadOnly && lead !== (existing?.lead ?? false))
        throw new DomainException(
          ErrorCode.PermissionDenied,
          'A team lead may add and remove members, not appoint or demote leads',
        );
      const result = { memberId: dto.memberId, teamId, lead };
      if (existing && existing.lead === lead) return { created: false, member: result };
      if (existing) await teams.setLead(teamId, dto.memberId, lead);
      else await teams.addMember(teamId, dto.memberId, lead);
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
      const teams = this.repository.of(tenantId, em);
      await found(teams, teamId, undefined, true);
      await this.assertMayEditMembers(teams, teamId, editor, meta);
      const removed = await teams.removeMember(teamId, memberId);
      if (!removed) throw new DomainException(ErrorCode.TeamMemberNotFound);
      await this.record(em, tenantId, 'team.member_removed', teamId, editor.principal, meta, {
        before: { memberId, lead: removed.lead },
      });
      await this.policies.changed(em, tenantId);
    });
  }

  async permissions(tenantId: string, teamId: string): Promise<{ permissions: PermissionRule[] }> {
    const team = await found(this.repository.of(tenantId), teamId);
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
      const teams = this.repository.of(tenantId, em);
      const team = await found(teams, teamId, undefined, true);
      await teams.setPermissions(teamId, permissions, new Date());
      await this.record(em, tenantId, 'team.permissions_changed', teamId, actor, meta, {
        before: { permissions: team.permissions },
        after: { permissions },
      });
      await this.policies.changed(em, tenantId);
      return { permissions };
    });
  }

  /**
   * The members to add, each a listed member of this tenant, share-locked so that a concurrent
   * removal waits for this change and then takes the membership out again. Any other id is 400
   * validation_failed (SCIM: invalidValue) and nothing is written.
   */
  private async listedMembers(
    em: EntityManager,
    tenantId: string,
    ids: string[],
  ): Promise<DirectMember[]> {
    if (ids.length === 0) return [];
    const malformed = ids.filter((id) => !isUuid(id));
    const listed =
      malformed.length > 0 ? [] : await this.memberships.of(tenantId, em).lockListed(ids);
    const known = new Set(listed.map((m) => m.id));
    const unknown = malformed.length > 0 ? malformed : ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new DomainException(
        ErrorCode.ValidationFailed,
        `${unknown.length} member value(s) are not users of this organization: ${unknown
          .slice(0, IDS_IN_ERRORS)
          .map((v) => JSON.stringify(v))
          .join(', ')}${unknown.length > IDS_IN_ERRORS ? ', …' : ''}`,
      );
    }
    const byId = new Map(listed.map((m) => [m.id, m.name]));
    return ids.map((id) => ({ id, display: byId.get(id) ?? '' }));
  }

  /**
   * A lead-only caller must lead this team or a team above it. A refusal is an `access.denied`
   * event like the guard's, written on its own since the change's transaction rolls back.
   */
  private async assertMayEditMembers(
    teams: TenantTeams,
    teamId: string,
    editor: TeamEditor,
    meta: RequestMeta,
  ): Promise<void> {
    if (!editor.teamLeadOnly) return;
    const leads = editor.membership
      ? await teams.leadsOrAbove(editor.membership.id, teamId)
      : false;
    if (!leads) {
      await this.dataSource.transaction((denial) =>
        this.audit.record(denial, {
          tenantId: teams.tenantId,
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

  private recordCommand(
    em: EntityManager,
    cmd: TeamCommand,
    kind: keyof (typeof EVENTS)['api'],
    teamId: string,
    changes: { before?: Record<string, unknown>; after?: Record<string, unknown> },
  ): Promise<void> {
    return this.audit.record(em, {
      tenantId: cmd.tenantId,
      type: EVENTS[cmd.source][kind],
      actor: cmd.actor,
      target: { type: 'team', id: teamId },
      meta: cmd.meta,
      changes,
    });
  }
}

/** The team, or team_not_found (naming the field when the id came in one); `lock` for update. */
async function found(
  teams: TenantTeams,
  id: string,
  field?: string,
  lock = false,
): Promise<TeamEntity> {
  const team = await teams.find(id, lock);
  if (!team)
    throw new DomainException(
      ErrorCode.TeamNotFound,
      field ? `No team ${id} in this organization (${field})` : undefined,
    );
  return team;
}

/** Refuses to put `height + 1` more levels under `parentId` beyond the depth limit. */
async function assertDepth(teams: TenantTeams, parentId: string, height: number): Promise<void> {
  if ((await teams.depth(parentId)) + 1 + height > MAX_TEAM_DEPTH)
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
