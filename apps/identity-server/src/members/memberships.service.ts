import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '#database';
import { ActivityWriter } from '../common/activity-writer.js';
import type { TenantSettings } from '../tenancy/settings.js';
import { MembershipEntity } from './membership.entity.js';

/** What a signed-in person's request into a tenant needs to know, read in one query. */
export interface TenantAccess {
  membershipId: string;
  role: string;
  status: 'active' | 'suspended';
  mfaRequired: boolean;
  sessionTtlMinutes: number;
  accountHasMfa: boolean;
}

export interface TenantOfAccount {
  tenantId: string;
  name: string;
  slug: string;
  memberId: string;
  role: string;
}

/**
 * Memberships as seen by authentication and profiles. Inviting, listing and changing members
 * is the members feature's; this service holds what sign-in needs.
 */
@Injectable()
export class MembershipsService {
  private readonly logger = new Logger('Memberships');
  private readonly lastActive = new ActivityWriter(this.logger, 'member activity');

  constructor(private readonly dataSource: DataSource) {}

  async access(tenantId: string, accountId: string): Promise<TenantAccess | null> {
    const rows: {
      id: string;
      role: string;
      status: 'active' | 'suspended';
      settings: TenantSettings;
      totp_confirmed_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT m.id, m.role, m.status, t.settings, a.totp_confirmed_at
         FROM memberships m
         JOIN tenants t ON t.id = m.tenant_id
         JOIN accounts a ON a.id = m.account_id
        WHERE m.tenant_id = $1 AND m.account_id = $2 AND m.status <> 'removed'`,
      [tenantId, accountId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      membershipId: row.id,
      role: row.role,
      status: row.status,
      mfaRequired: row.settings.mfaRequired === true,
      sessionTtlMinutes: row.settings.sessionTtlMinutes,
      accountHasMfa: row.totp_confirmed_at !== null,
    };
  }

  async tenantsOf(accountId: string): Promise<TenantOfAccount[]> {
    const rows: { tenant_id: string; name: string; slug: string; id: string; role: string }[] =
      await this.dataSource.query(
        `SELECT m.tenant_id, t.name, t.slug, m.id, m.role
         FROM memberships m JOIN tenants t ON t.id = m.tenant_id
        WHERE m.account_id = $1 AND m.status = 'active'
        ORDER BY m.created_at, m.id`,
        [accountId],
      );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      name: r.name,
      slug: r.slug,
      memberId: r.id,
      role: r.role,
    }));
  }

  /** The password policies of the tenants an account is an active member of. */
  async passwordPolicies(accountId: string): Promise<TenantSettings['passwordPolicy'][]> {
    const rows: { policy: TenantSettings['passwordPolicy'] }[] = await this.dataSource.query(
      `SELECT t.settings->'passwordPolicy' AS policy
         FROM memberships m JOIN tenants t ON t.id = m.tenant_id
        WHERE m.account_id = $1 AND m.status = 'active'`,
      [accountId],
    );
    return rows.map((r) => r.policy).filter(Boolean);
  }

  /**
   * Seats in use: active members, and invitations pending and not expired. Pass the transaction
   * that holds the tenant's lock to count under it.
   */
  async seats(
    tenantId: string,
    em: EntityManager = this.dataSource.manager,
  ): Promise<{ members: number; pendingInvitations: number }> {
    const [row]: { members: number; pending: number }[] = await em.query(
      `SELECT (SELECT active_members FROM tenant_seats WHERE tenant_id = $1) AS members,
              (SELECT count(*)::int FROM invitations WHERE tenant_id = $1 AND status = 'pending' AND expires_at > now()) AS pending`,
      [tenantId],
    );
    return { members: row?.members ?? 0, pendingInvitations: row?.pending ?? 0 };
  }

  /** The person who creates an organization becomes its first Administrator. */
  async addFounder(
    em: EntityManager,
    tenantId: string,
    account: { id: string; email: string; displayName: string },
  ): Promise<MembershipEntity> {
    const now = new Date();
    const membership: MembershipEntity = {
      tenantId,
      id: newId(),
      accountId: account.id,
      username: usernameFrom(account.email),
      email: account.email,
      displayName: account.displayName,
      role: 'admin',
      status: 'active',
      externalId: null,
      lastActiveAt: now,
      createdAt: now,
      updatedAt: now,
    };
    await em.insert(MembershipEntity, membership);
    return membership;
  }

  /**
   * Memberships provisioned before the person had an account (SCIM) join the account whose
   * verified email they carry: one per tenant, and none in a tenant the account already belongs to.
   */
  async linkVerifiedEmail(
    em: EntityManager,
    account: { id: string; email: string; emailVerified: boolean },
  ): Promise<{ tenantId: string; memberId: string }[]> {
    if (!account.emailVerified) return [];
    const rows: { tenant_id: string; id: string }[] = await em.query(
      `WITH linked AS (UPDATE memberships m SET account_id = $1, updated_at = now()
        WHERE m.id IN (SELECT DISTINCT ON (u.tenant_id) u.id FROM memberships u
                        WHERE u.account_id IS NULL AND u.status <> 'removed' AND lower(u.email) = lower($2)
                        ORDER BY u.tenant_id, u.created_at, u.id)
          AND m.account_id IS NULL AND m.status <> 'removed' AND lower(m.email) = lower($2)
          AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.tenant_id = m.tenant_id AND o.account_id = $1 AND o.status <> 'removed')
        RETURNING m.tenant_id, m.id)
       SELECT tenant_id, id FROM linked`,
      [account.id, account.email],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, memberId: r.id }));
  }

  /** lastActiveAt, written at most once a minute per member so the hot path stays read-only. */
  touch(tenantId: string, membershipId: string): void {
    this.lastActive.record(membershipId, (at) =>
      this.dataSource
        .getRepository(MembershipEntity)
        .update({ tenantId, id: membershipId }, { lastActiveAt: at }),
    );
  }
}

function usernameFrom(email: string): string {
  const local = email.split('@')[0] ?? 'admin';
  return local.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 100) || 'admin';
}
