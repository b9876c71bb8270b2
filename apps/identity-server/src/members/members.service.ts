import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid, type CursorKey } from '#database';
import { actorOf } from '../common/principal.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { pageOf, type Page } from '../common/pagination.js';
import { granterRole, type TenantContext } from '../common/request-context.js';
import { assertRoleExists } from '../roles/index.js';
import type { MemberQueryDto, UpdateMemberDto } from './dto/member.dto.js';
import { MemberTeamsPort } from './member-teams.port.js';
import { MembershipLifecycle, type MemberCommand } from './membership-lifecycle.service.js';
import type { MembershipEntity } from './membership.entity.js';
import { MembershipsRepository } from './memberships.repository.js';
import { profileView, type ProfileView } from './member-fields.js';

export type MemberView = ProfileView & {
  id: string;
  userId: string | null;
  email: string;
  role: string;
  status: string;
  teams: string[];
  lastActiveAt: string | null;
  createdAt: string;
};

/** Who is looking: a guest sees only their own membership. */
type Viewer = Pick<TenantContext, 'tenantId' | 'principal' | 'membership'>;

/** Who changes a member: their role bounds the roles they give, and they may not remove themself. */
type Editor = Pick<TenantContext, 'tenantId' | 'principal' | 'membership' | 'meta'>;

/**
 * The members API: lists and views, and role, status and removal requests translated into the
 * membership lifecycle's commands (which hold every rule).
 */
@Injectable()
export class MembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly memberships: MembershipsRepository,
    private readonly lifecycle: MembershipLifecycle,
    private readonly teams: MemberTeamsPort,
  ) {}

  async list(
    viewer: Viewer,
    query: MemberQueryDto,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<MemberView>> {
    const { tenantId } = viewer;
    if (query.role) await assertRoleExists(this.dataSource.manager, tenantId, query.role);
    const rows = await this.memberships.of(tenantId).page(
      {
        ...(isGuest(viewer) ? { onlyId: viewer.membership?.id ?? '' } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.role ? { role: query.role } : {}),
        ...(query.q ? { prefix: query.q } : {}),
        ...(query.teamId
          ? {
              inTeam: {
                sql: this.teams.inTeamTree('m.id', ':tenantId', ':teamId'),
                teamId: query.teamId,
              },
            }
          : {}),
      },
      after,
      limit,
    );
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

  async get(viewer: Viewer, id: string): Promise<MemberView> {
    const { tenantId } = viewer;
    if (!isUuid(id)) throw new DomainException(ErrorCode.MemberNotFound);
    if (isGuest(viewer) && viewer.membership?.id !== id)
      throw new DomainException(ErrorCode.AdminRequired);
    const member = await this.memberships.of(tenantId).find(id);
    if (!member) throw new DomainException(ErrorCode.MemberNotFound);
    return toView(member, (await this.teamsOf(tenantId, [id])).get(id));
  }

  async update(ctx: Editor, id: string, dto: UpdateMemberDto): Promise<MemberView> {
    const member = await this.lifecycle.change(
      command(ctx),
      id,
      { ...(dto.role ? { role: dto.role } : {}), ...(dto.status ? { status: dto.status } : {}) },
      granterRole(ctx),
    );
    return toView(member, (await this.teamsOf(ctx.tenantId, [id])).get(id));
  }

  /** Removal is a status: history and ids stay resolvable, access ends on the next request. */
  async remove(ctx: Editor, id: string): Promise<void> {
    await this.lifecycle.remove(command(ctx), id, {
      ...(ctx.membership ? { selfId: ctx.membership.id } : {}),
    });
  }

  private async teamsOf(tenantId: string, ids: string[]): Promise<Map<string, string[]>> {
    const refs = await this.teams.teamsOf(this.dataSource.manager, tenantId, ids);
    return new Map(
      [...refs].map(([member, teams]) => [member, teams.map((t) => t.id).sort()] as const),
    );
  }
}

function command({ tenantId, principal, meta }: Editor): MemberCommand {
  return { tenantId, actor: actorOf(principal), meta, source: 'api' };
}

function isGuest(viewer: Viewer): boolean {
  return viewer.principal.kind === 'user' && viewer.membership?.role === 'guest';
}

function toView(m: MembershipEntity, teams: string[] = []): MemberView {
  return {
    id: m.id,
    userId: m.accountId,
    email: m.email,
    ...profileView(m),
    role: m.role,
    status: m.status,
    teams,
    lastActiveAt: m.lastActiveAt?.toISOString() ?? null,
    createdAt: m.createdAt.toISOString(),
  };
}
