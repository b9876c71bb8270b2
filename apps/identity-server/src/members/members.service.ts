import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid, type CursorKey } from '#database';
import { canGrantRole } from '#policy';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import { PolicyService } from '../policy/policy.service.js';
import { assertRoleExists } from '../roles/index.js';
import type { MemberQueryDto, UpdateMemberDto } from './dto/member.dto.js';
import { MembershipEntity } from './membership.entity.js';

export interface MemberView {
  id: string;
  userId: string | null;
  email: string;
  username: string;
  displayName: string;
  role: string;
  status: string;
  teams: string[];
  lastActiveAt: string | null;
  createdAt: string;
}

/** Who is looking: a guest sees only their own membership. */
export interface Viewer {
  principal: Principal;
  membership?: { id: string; role: string };
}

/**
 * Members of a tenant: listing, role and status changes, removal. The guardrails (at least one
 * active Administrator, no self-removal, removed members frozen) are checked while holding the
 * tenant row's lock, so concurrent changes are serialized rather than raced.
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
  ) {}

  async list(
    tenantId: string,
    viewer: Viewer,
    query: MemberQueryDto,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<MemberView>> {
    const qb = this.dataSource
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId', { tenantId });
    if (isGuest(viewer)) qb.andWhere('m.id = :self', { self: viewer.membership?.id });
    if (query.status) qb.andWhere('m.status = :status', { status: query.status });
    else qb.andWhere(`m.status <> 'removed'`);
    if (query.role) {
      await assertRoleExists(this.dataSource.manager, tenantId, query.role);
      qb.andWhere('m.role = :role', { role: query.role });
    }
    if (query.teamId) {
      // Members of the team or of any team below it.
      qb.andWhere(
        `m.id IN (SELECT tm.membership_id FROM team_members tm
                   WHERE tm.tenant_id = :tenantId AND tm.team_id IN (
                     WITH RECURSIVE down(id) AS (
                       SELECT id FROM teams WHERE tenant_id = :tenantId AND id = :teamId
                       UNION
                       SELECT c.id FROM teams c JOIN down ON c.tenant_id = :tenantId AND c.parent_id = down.id)
                     SELECT id FROM down))`,
        { teamId: query.teamId },
      );
    }
    if (query.q) {
      const prefix = `${query.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(lower(m.username) LIKE :prefix ESCAPE '\\' OR lower(m.email) LIKE :prefix ESCAPE '\\' OR lower(m.display_name) LIKE :prefix ESCAPE '\\')`,
        { prefix },
      );
    }
    const rows = await keyset(qb, 'm', 'created_at', after, limit).getMany();
    const teams = await this.teamsOf(
      tenantId,
      rows.slice(0, limit).map((m) => m.id),
    );
    return pageOf(
      rows,
      limit,
      (m) => m.createdAt,
      (m) => toView(m, teams.get(m.id)),
    );
  }

  async get(tenantId: string, id: string, viewer: Viewer): Promise<MemberView> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.MemberNotFound);
    if (isGuest(viewer) && viewer.membership?.id !== id)
      throw new DomainException(ErrorCode.AdminRequired);
    const member = await this.dataSource
      .getRepository(MembershipEntity)
      .findOneBy({ tenantId, id });
    if (!member) throw new DomainException(ErrorCode.MemberNotFound);
    return toView(member, (await this.teamsOf(tenantId, [id])).get(id));
  }

  /** The teams each member is directly in, read in one query for a page of members. */
  private async teamsOf(tenantId: string, ids: string[]): Promise<Map<string, string[]>> {
    if (ids.length === 0) return new Map();
    const rows: { membership_id: string; teams: string[] }[] = await this.dataSource.query(
      `SELECT membership_id, array_agg(team_id ORDER BY team_id) AS teams FROM team_members
        WHERE tenant_id = $1 AND membership_id = ANY($2::uuid[]) GROUP BY membership_id`,
      [tenantId, ids],
    );
    return new Map(rows.map((r) => [r.membership_id, r.teams]));
  }

  async update(
    tenantId: string,
    id: string,
    dto: UpdateMemberDto,
    { principal: actor, membership }: Viewer,
    meta: RequestMeta,
  ): Promise<MemberView> {
    // A custom role may allow changing members; it never allows handing out a role above it.
    const granter =
      actor.kind === 'operator'
        ? 'admin'
        : actor.kind === 'api_key'
          ? actor.role
          : membership?.role;
    if (dto.role && !canGrantRole(granter ?? 'guest', dto.role))
      throw new DomainException(
        ErrorCode.RoleEscalation,
        `A ${granter ?? 'caller without a role'} cannot make someone ${dto.role}`,
      );
    return this.change(tenantId, id, async (em, member) => {
      const next = { role: dto.role ?? member.role, status: dto.status ?? member.status };
      if (next.role === member.role && next.status === member.status) return member;
      const losesAdmin =
        member.role === 'admin' &&
        member.status === 'active' &&
        (next.role !== 'admin' || next.status !== 'active');
      if (losesAdmin) await assertAnotherAdmin(em, tenantId, id);
      if (next.role !== member.role) await assertRoleExists(em, tenantId, next.role);
      await em.update(MembershipEntity, { tenantId, id }, { ...next, updatedAt: new Date() });
      await this.policies.changed(em, tenantId);
      const record = (
        type: string,
        before: Record<string, unknown>,
        after: Record<string, unknown>,
      ) =>
        this.audit.record(em, {
          tenantId,
          type,
          actor: actorOf(actor),
          target: { type: 'member', id },
          meta,
          changes: { before, after },
        });
      if (next.role !== member.role)
        await record('member.role_changed', { role: member.role }, { role: next.role });
      if (next.status !== member.status) {
        await record(
          next.status === 'suspended' ? 'member.suspended' : 'member.reactivated',
          { status: member.status },
          { status: next.status },
        );
      }
      return { ...member, ...next };
    });
  }

  /** Removal is a status: history and ids stay resolvable, access ends on the next request. */
  async remove(
    tenantId: string,
    id: string,
    actor: Principal,
    actorMembershipId: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    await this.change(tenantId, id, async (em, member) => {
      if (actorMembershipId === id) throw new DomainException(ErrorCode.CannotRemoveSelf);
      if (member.role === 'admin' && member.status === 'active')
        await assertAnotherAdmin(em, tenantId, id);
      await em.update(
        MembershipEntity,
        { tenantId, id },
        { status: 'removed', updatedAt: new Date() },
      );
      // A removed member leaves every team (the audit event records which).
      // UPDATE and DELETE answer [rows, count] through TypeORM.
      const [left] = await em.query<[{ team_id: string }[], number]>(
        'DELETE FROM team_members WHERE tenant_id = $1 AND membership_id = $2 RETURNING team_id',
        [tenantId, id],
      );
      await this.policies.changed(em, tenantId);
      await this.audit.record(em, {
        tenantId,
        type: 'member.removed',
        actor: actorOf(actor),
        target: { type: 'member', id },
        meta,
        changes: {
          before: { status: member.status, role: member.role, teams: left.map((t) => t.team_id) },
          after: { status: 'removed', teams: [] },
        },
      });
      return member;
    });
  }

  /** Runs a change to one member under the tenant's lock; removed members cannot be changed. */
  private async change(
    tenantId: string,
    id: string,
    apply: (em: EntityManager, member: MembershipEntity) => Promise<MembershipEntity>,
  ): Promise<MemberView> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.MemberNotFound);
    const changed = await this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const member = await em.getRepository(MembershipEntity).findOneBy({ tenantId, id });
      if (!member) throw new DomainException(ErrorCode.MemberNotFound);
      if (member.status === 'removed') throw new DomainException(ErrorCode.MemberRemoved);
      return apply(em, member);
    });
    return toView(changed, (await this.teamsOf(tenantId, [id])).get(id));
  }
}

/** Refuses a change that would leave the tenant without an active Administrator (call under the tenant's lock). */
export async function assertAnotherAdmin(
  em: EntityManager,
  tenantId: string,
  exceptId: string,
): Promise<void> {
  const [row]: { n: number }[] = await em.query(
    `SELECT count(*)::int AS n FROM memberships WHERE tenant_id = $1 AND id <> $2 AND role = 'admin' AND status = 'active'`,
    [tenantId, exceptId],
  );
  if (!row || row.n === 0) {
    throw new DomainException(
      ErrorCode.LastAdmin,
      'This is the last active Administrator: make someone else Administrator first',
    );
  }
}

function isGuest(viewer: Viewer): boolean {
  return viewer.principal.kind === 'user' && viewer.membership?.role === 'guest';
}

function toView(m: MembershipEntity, teams: string[] = []): MemberView {
  return {
    id: m.id,
    userId: m.accountId,
    email: m.email,
    username: m.username,
    displayName: m.displayName,
    role: m.role,
    status: m.status,
    teams,
    lastActiveAt: m.lastActiveAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}
