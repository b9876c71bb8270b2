import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '#database';
import { canGrantRole } from '#policy';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import type { Actor, RequestMeta } from '../common/principal.js';
import { PolicyService } from '../policy/policy.service.js';
import { laterThan } from '../common/change-time.js';
import { conflictOf } from '../common/db-errors.js';
import { diff } from '../common/diff.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { assertRoleExists } from '../roles/index.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type { TenantEntity } from '../tenancy/tenant.entity.js';
import { PROFILE_FIELDS, profileWith, type ProfileValues } from './member-fields.js';
import { MemberTeamsPort } from './member-teams.port.js';
import { MembershipEntity } from './membership.entity.js';
import {
  ACCESS_SWITCH,
  MEMBERSHIP_STATUS,
  transitionOf,
  type MembershipStatus,
  type StatusTransition,
} from './membership-status.js';
import {
  MembershipsRepository,
  type MembershipChanges,
  type TenantMemberships,
} from './memberships.repository.js';

/** The way in that drives a change: it names the audit events (the contract keeps both sets). */
export type MemberSource = 'api' | 'scim';

/** Who asks for a change, through which way in. */
export interface MemberCommand {
  tenantId: string;
  actor: Actor;
  meta: RequestMeta;
  source: MemberSource;
}

/** The person as an identity provider describes them: columns plus the rest of the SCIM view. */
export type MemberProfile = ProfileValues & { email: string; scim: Record<string, unknown> };

/** SCIM-created members get this role; SCIM never changes a role (the members API does). */
export const PROVISIONED_ROLE = 'member';

const EVENTS: Record<
  MemberSource,
  Record<StatusTransition | 'role' | 'profile' | 'created' | 'linked', string>
> = {
  api: {
    suspend: 'member.suspended',
    reactivate: 'member.reactivated',
    remove: 'member.removed',
    role: 'member.role_changed',
    profile: 'member.updated',
    created: 'member.created',
    linked: 'member.linked',
  },
  scim: {
    suspend: 'scim.user.deactivated',
    reactivate: 'scim.user.reactivated',
    remove: 'scim.user.deleted',
    role: 'scim.user.updated',
    profile: 'scim.user.updated',
    created: 'scim.user.created',
    linked: 'scim.user.linked',
  },
};

/**
 * The one place where memberships change. Each command takes the tenant's lock, applies every
 * guardrail (seats, last active Administrator, no self-removal, removed is final, role bounds),
 * writes through the repository, writes its audit event and announces the policy change, in one
 * transaction. The members API, SCIM and invitations translate their input and call these.
 */
@Injectable()
export class MembershipLifecycle {
  constructor(
    private readonly dataSource: DataSource,
    private readonly repository: MembershipsRepository,
    private readonly teams: MemberTeamsPort,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
  ) {}

  /**
   * Role and status changes (the members API). `granterRole` bounds the role that may be given;
   * `check` runs under the lock before anything is decided (e.g. SCIM's If-Match).
   */
  async change(
    cmd: MemberCommand,
    id: string,
    next: { role?: string; status?: MembershipStatus },
    granterRole: string,
  ): Promise<MembershipEntity> {
    if (next.role !== undefined && !canGrantRole(granterRole, next.role))
      throw new DomainException(
        ErrorCode.RoleEscalation,
        `A ${granterRole} cannot make someone ${next.role}`,
      );
    return this.locked(cmd, id, async (em, members, tenant, member) => {
      const role = next.role ?? member.role;
      const status = next.status ?? member.status;
      const transition = transitionOf(member.status, status);
      if (role === member.role && transition === null) return member;
      await this.assertTransition(members, tenant, member, transition, role);
      if (role !== member.role) await assertRoleExists(em, cmd.tenantId, role);
      const updated = { ...member, role, status, updatedAt: laterThan(member.updatedAt) };
      await members.update(id, { role, status, updatedAt: updated.updatedAt });
      if (role !== member.role)
        await this.record(em, cmd, 'role', id, { role: member.role }, { role });
      if (transition)
        await this.record(em, cmd, transition, id, { status: member.status }, { status });
      await this.policies.changed(em, cmd.tenantId);
      return updated;
    });
  }

  /** Removal is a status: the member leaves every team, history and ids stay resolvable. */
  async remove(
    cmd: MemberCommand,
    id: string,
    options: { selfId?: string; check?: (member: MembershipEntity) => void } = {},
  ): Promise<void> {
    await this.locked(cmd, id, async (em, members, tenant, member) => {
      options.check?.(member);
      if (options.selfId === id) throw new DomainException(ErrorCode.CannotRemoveSelf);
      await this.assertTransition(members, tenant, member, 'remove', member.role);
      await members.update(id, { status: 'removed', updatedAt: laterThan(member.updatedAt) });
      const teams = await this.teams.memberRemoved(em, cmd.tenantId, id);
      await this.record(
        em,
        cmd,
        'remove',
        id,
        { userName: member.username, status: member.status, role: member.role, teams },
        { status: 'removed', teams: [] },
      );
      await this.policies.changed(em, cmd.tenantId);
      return member;
    });
  }

  /**
   * A member described by an identity provider (SCIM create). A member of the tenant with the same
   * email whom no identity provider has claimed (invited, never provisioned) is adopted: it takes
   * the profile and keeps its id, role and account (`scim.user.linked`). Otherwise a new member, in
   * one round trip (the repository's database function: lock, seats, insert, audit).
   */
  async provision(
    cmd: MemberCommand,
    profile: MemberProfile,
    active: boolean,
  ): Promise<{ member: MembershipEntity; adopted: boolean }> {
    const now = new Date();
    const member: MembershipEntity = {
      tenantId: cmd.tenantId,
      id: newId(),
      accountId: null,
      ...profile,
      role: PROVISIONED_ROLE,
      status: active ? ACCESS_SWITCH.on : ACCESS_SWITCH.off,
      provisionedAt: now,
      lastActiveAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const audit = this.audit.columnsOf(
      this.event(cmd, 'created', member.id, undefined, {
        ...summary(profile, active),
        role: member.role,
      }),
    );
    let outcome;
    try {
      // A new member is in no cached policy anywhere, so a create announces nothing.
      outcome = await this.repository.of(cmd.tenantId).provision(member, audit, active);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
    switch (outcome.kind) {
      case 'created':
        return { member, adopted: false };
      case 'seat_limit':
        throw seatLimitReached(outcome.maxMembers);
      case 'no_tenant':
        throw new DomainException(ErrorCode.TenantNotFound);
      case 'adopt':
        return this.adopt(cmd, outcome.memberId, profile, active);
    }
  }

  private async adopt(
    cmd: MemberCommand,
    id: string,
    profile: MemberProfile,
    active: boolean,
  ): Promise<{ member: MembershipEntity; adopted: boolean }> {
    const member = await this.locked(cmd, id, async (em, members, tenant, found) => {
      // Claimed meanwhile by another create: provision anew (the function decides again).
      if (found.externalId !== null || found.provisionedAt !== null) return null;
      const adopted = await this.applyProfile(em, members, tenant, found, profile, active, cmd, {
        provisionedAt: new Date(),
      });
      await this.record(em, cmd, 'linked', id, undefined, {
        userName: adopted.username,
        externalId: adopted.externalId,
      });
      return adopted;
    });
    if (member === null) return this.provision(cmd, profile, active);
    return { member, adopted: true };
  }

  /**
   * A new profile and status from an identity provider (SCIM PUT and PATCH). `next` computes them
   * under the lock from the current member (it may refuse, e.g. on a stale If-Match); a status left
   * undefined stays as it is: removing `active` never grants access.
   */
  async updateProfile(
    cmd: MemberCommand,
    id: string,
    next: (
      member: MembershipEntity,
      em: EntityManager,
    ) => Promise<{ profile: MemberProfile; active: boolean | undefined }>,
  ): Promise<MembershipEntity> {
    return this.locked(cmd, id, async (em, members, tenant, member) => {
      const { profile, active } = await next(member, em);
      return this.applyProfile(em, members, tenant, member, profile, active, cmd, {});
    });
  }

  /** The invited person joins (invitation acceptance, inside its transaction and tenant lock). */
  async joinByInvitation(
    em: EntityManager,
    tenant: TenantEntity,
    joiner: {
      accountId: string;
      email: string;
      displayName: string;
      username: string;
      role: string;
    },
  ): Promise<MembershipEntity> {
    const members = this.repository.of(tenant.id, em);
    if (await members.accountOrUsernameTaken(joiner.accountId, joiner.username)) {
      throw new DomainException(
        ErrorCode.InviteConflict,
        'You are already a member of this organization, or the invited username was taken meanwhile',
      );
    }
    // The invitation being accepted held a seat; only members count against it here.
    const { members: seated } = await members.seats();
    if (seated >= tenant.settings.maxMembers) throw seatLimitReached(tenant.settings.maxMembers);
    const now = new Date();
    const member: MembershipEntity = {
      tenantId: tenant.id,
      id: newId(),
      accountId: joiner.accountId,
      ...profileWith({ username: joiner.username, displayName: joiner.displayName }),
      email: joiner.email,
      role: joiner.role,
      status: 'active',
      scim: scimViewOf(joiner.email),
      provisionedAt: null,
      lastActiveAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await members.insert(member);
    return member;
  }

  /** The person who creates an organization becomes its first Administrator. */
  async addFounder(
    em: EntityManager,
    tenantId: string,
    account: { id: string; email: string; displayName: string },
  ): Promise<MembershipEntity> {
    const now = new Date();
    const member: MembershipEntity = {
      tenantId,
      id: newId(),
      accountId: account.id,
      ...profileWith({ username: usernameFrom(account.email), displayName: account.displayName }),
      email: account.email,
      role: 'admin',
      status: 'active',
      scim: scimViewOf(account.email),
      provisionedAt: null,
      lastActiveAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.of(tenantId, em).insert(member);
    return member;
  }

  /**
   * Members provisioned before the person had an account join the account once its email is
   * verified (`member.linked` in each tenant).
   */
  async linkAccount(
    em: EntityManager,
    account: { id: string; email: string; emailVerified: boolean },
    meta: RequestMeta,
  ): Promise<void> {
    if (!account.emailVerified) return;
    for (const link of await this.repository.linkEmail(em, account)) {
      await this.audit.record(em, {
        tenantId: link.tenantId,
        type: EVENTS.api.linked,
        actor: { type: 'account', id: account.id },
        target: { type: 'member', id: link.memberId },
        meta,
        changes: { after: { userId: account.id } },
      });
    }
  }

  /** Writes a profile (and maybe a status) under the lock, with its audit events. */
  private async applyProfile(
    em: EntityManager,
    members: TenantMemberships,
    tenant: TenantEntity,
    member: MembershipEntity,
    profile: MemberProfile,
    active: boolean | undefined,
    cmd: MemberCommand,
    extra: Pick<MembershipChanges, 'provisionedAt'>,
  ): Promise<MembershipEntity> {
    const status: MembershipStatus =
      active === undefined ? member.status : active ? ACCESS_SWITCH.on : ACCESS_SWITCH.off;
    const transition = transitionOf(member.status, status);
    const changes = diff(
      { ...summary(profileOf(member)), ...(member.scim ?? {}) },
      { ...summary(profile), ...profile.scim },
    );
    const profileChanged =
      Object.keys(changes.after).length + Object.keys(changes.before).length > 0;
    if (!profileChanged && transition === null && extra.provisionedAt === undefined) return member;
    await this.assertTransition(members, tenant, member, transition, member.role);
    const updated: MembershipEntity = {
      ...member,
      ...profile,
      ...extra,
      status,
      updatedAt: laterThan(member.updatedAt),
    };
    try {
      await members.update(member.id, {
        ...pickProfile(updated),
        email: updated.email,
        scim: updated.scim,
        status,
        ...extra,
        updatedAt: updated.updatedAt,
      });
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
    if (profileChanged)
      await this.record(em, cmd, 'profile', member.id, changes.before, changes.after);
    if (transition)
      await this.record(em, cmd, transition, member.id, { status: member.status }, { status });
    await this.policies.changed(em, cmd.tenantId);
    return updated;
  }

  /** The guardrails of a change of status or role, under the tenant's lock. */
  private async assertTransition(
    members: TenantMemberships,
    tenant: TenantEntity,
    member: MembershipEntity,
    transition: StatusTransition | null,
    nextRole: string,
  ): Promise<void> {
    const losesAdmin =
      member.role === 'admin' &&
      MEMBERSHIP_STATUS[member.status].hasAccess &&
      (nextRole !== 'admin' || transition === 'suspend' || transition === 'remove');
    if (losesAdmin && (await members.otherActiveAdmins(member.id)) === 0)
      throw new DomainException(
        ErrorCode.LastAdmin,
        'This is the last active Administrator: make someone else Administrator first',
      );
    // A returning member takes a seat, as a new one would.
    if (transition === 'reactivate') await assertSeatFree(members, tenant);
  }

  /** Runs a command on one listed member under the tenant's lock, in one transaction. */
  private locked<T>(
    cmd: MemberCommand,
    id: string,
    work: (
      em: EntityManager,
      members: TenantMemberships,
      tenant: TenantEntity,
      member: MembershipEntity,
    ) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (em) => {
      const tenant = await lockTenant(em, cmd.tenantId);
      const members = this.repository.of(cmd.tenantId, em);
      const member = await members.find(id);
      if (!member) throw new DomainException(ErrorCode.MemberNotFound);
      // A status that is not editable is final (removed members are frozen).
      if (!MEMBERSHIP_STATUS[member.status].editable)
        throw new DomainException(ErrorCode.MemberRemoved);
      return work(em, members, tenant, member);
    });
  }

  private event(
    cmd: MemberCommand,
    kind: keyof (typeof EVENTS)['api'],
    memberId: string,
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown> | undefined,
  ): AuditRecord {
    return {
      tenantId: cmd.tenantId,
      type: EVENTS[cmd.source][kind],
      actor: cmd.actor,
      target: { type: 'member', id: memberId },
      meta: cmd.meta,
      changes: { ...(before ? { before } : {}), ...(after ? { after } : {}) },
    };
  }

  private record(
    em: EntityManager,
    cmd: MemberCommand,
    kind: keyof (typeof EVENTS)['api'],
    memberId: string,
    before: Record<string, unknown> | undefined,
    after: Record<string, unknown> | undefined,
  ): Promise<void> {
    return this.audit.record(em, this.event(cmd, kind, memberId, before, after));
  }
}

/**
 * The seat rule (under the tenant's lock): active members plus open invitations stay below
 * maxMembers. For a new invitation, a resent expired one, and a reactivation alike.
 */
export async function assertSeatFree(
  members: TenantMemberships,
  tenant: TenantEntity,
): Promise<void> {
  const { members: seated, pendingInvitations } = await members.seats();
  if (seated + pendingInvitations >= tenant.settings.maxMembers)
    throw seatLimitReached(tenant.settings.maxMembers);
}

export function seatLimitReached(maxMembers: number): DomainException {
  return new DomainException(
    ErrorCode.SeatLimitReached,
    `All ${maxMembers} seats of this organization are taken by active members and pending invitations`,
  );
}

/** The audited summary of a profile (SCIM attribute names). */
/** The audited summary of a profile, by SCIM attribute names. */
function summary(profile: MemberProfile, active?: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { email: profile.email };
  for (const field of PROFILE_FIELDS) out[field.scim] = profile[field.property];
  return { ...out, ...(active === undefined ? {} : { active }) };
}

function pickProfile(member: ProfileValues): ProfileValues {
  return Object.fromEntries(
    PROFILE_FIELDS.map((field) => [field.property, member[field.property]]),
  ) as ProfileValues;
}

function profileOf(member: MembershipEntity): MemberProfile {
  return {
    ...pickProfile(member),
    email: member.email,
    scim: (member.scim ?? {}) as Record<string, unknown>,
  };
}

/** The SCIM view of a member who joined without an identity provider: their email, at least. */
function scimViewOf(email: string): Record<string, unknown> {
  return { emails: [{ value: email, type: 'work', primary: true }] };
}

function usernameFrom(email: string): string {
  const local = email.split('@')[0] ?? 'admin';
  return local.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 100) || 'admin';
}
