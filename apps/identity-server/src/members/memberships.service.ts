import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ActivityWriter } from '../common/activity-writer.js';
import type { RequestMeta } from '../common/principal.js';
import type { TenantSettings } from '../tenancy/settings.js';
import { MembershipLifecycle } from './membership-lifecycle.service.js';
import { MEMBERSHIP_STATUS } from './membership-status.js';
import type { MembershipEntity } from './membership.entity.js';
import { MembershipsRepository } from './memberships.repository.js';

/** What a signed-in person's request into a tenant needs to know, read in one query. */
export interface TenantAccess {
  membershipId: string;
  role: string;
  /** The status grants access (MEMBERSHIP_STATUS.hasAccess); otherwise the member is suspended. */
  hasAccess: boolean;
  mfaRequired: boolean;
  sessionTtlMinutes: number;
  accountHasMfa: boolean;
  /** The tenant's sign-in policy (settings.allowedIdentityProviders, allowedEntraTenantIds). */
  allowedIdentityProviders: readonly string[];
  allowedEntraTenantIds: readonly string[];
}

export interface TenantOfAccount {
  tenantId: string;
  name: string;
  slug: string;
  memberId: string;
  role: string;
}

/**
 * Memberships as seen by authentication, profiles and tenants. Changing members is the
 * membership lifecycle's; this service holds what sign-in needs.
 */
@Injectable()
export class MembershipsService {
  private readonly logger = new Logger('Memberships');
  private readonly lastActive = new ActivityWriter(this.logger, 'member activity');

  constructor(
    private readonly repository: MembershipsRepository,
    private readonly lifecycle: MembershipLifecycle,
  ) {}

  async access(tenantId: string, accountId: string): Promise<TenantAccess | null> {
    const row = await this.repository.access(tenantId, accountId);
    if (!row) return null;
    return {
      membershipId: row.membershipId,
      role: row.role,
      hasAccess: MEMBERSHIP_STATUS[row.status].hasAccess,
      mfaRequired: row.settings.mfaRequired === true,
      sessionTtlMinutes: row.settings.sessionTtlMinutes,
      accountHasMfa: row.accountHasMfa,
      allowedIdentityProviders: row.settings.allowedIdentityProviders ?? ['any'],
      allowedEntraTenantIds: row.settings.allowedEntraTenantIds ?? [],
    };
  }

  tenantsOf(accountId: string): Promise<TenantOfAccount[]> {
    return this.repository.tenantsOf(accountId);
  }

  /** The password policies of the tenants an account is an active member of. */
  passwordPolicies(accountId: string): Promise<TenantSettings['passwordPolicy'][]> {
    return this.repository.passwordPolicies(accountId);
  }

  /**
   * Seats in use: active members, and invitations pending and not expired. Pass the transaction
   * that holds the tenant's lock to count under it.
   */
  seats(
    tenantId: string,
    em?: EntityManager,
  ): Promise<{ members: number; pendingInvitations: number }> {
    return this.repository.of(tenantId, em).seats();
  }

  /** The person who creates an organization becomes its first Administrator. */
  addFounder(
    em: EntityManager,
    tenantId: string,
    account: { id: string; email: string; displayName: string },
  ): Promise<MembershipEntity> {
    return this.lifecycle.addFounder(em, tenantId, account);
  }

  /** Members provisioned for this verified email become this account's (`member.linked`). */
  linkVerifiedEmail(
    em: EntityManager,
    account: { id: string; email: string; emailVerified: boolean },
    meta: RequestMeta,
  ): Promise<void> {
    return this.lifecycle.linkAccount(em, account, meta);
  }

  /** lastActiveAt, written at most once a minute per member so the hot path stays read-only. */
  touch(tenantId: string, membershipId: string): void {
    this.lastActive.record(membershipId, (at) => this.repository.touch(tenantId, membershipId, at));
  }
}
