import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid, type CursorKey } from '#database';
import { keyset } from '../common/pagination.js';
import { columnsOf } from '../database/columns.js';
import type { TenantSettings } from '../tenancy/settings.js';
import { MembershipEntity } from './membership.entity.js';
import { shownName } from './names.js';
import { MEMBERSHIP_STATUS, statusSql, type MembershipStatus } from './membership-status.js';

/** The columns a lifecycle command may change on a membership. */
export type MembershipChanges = Partial<
  Pick<
    MembershipEntity,
    | 'accountId'
    | 'username'
    | 'email'
    | 'displayName'
    | 'role'
    | 'status'
    | 'externalId'
    | 'scim'
    | 'provisionedAt'
  >
> & { updatedAt: Date };

/** What `provision_member` did: created, refused for seats, found no tenant, or found a member to adopt. */
export type ProvisionOutcome =
  | { kind: 'created' }
  | { kind: 'seat_limit'; maxMembers: number }
  | { kind: 'no_tenant' }
  | { kind: 'adopt'; memberId: string };

/** What a signed-in person's request into a tenant needs to know, read in one query. */
export interface AccessRow {
  membershipId: string;
  role: string;
  status: MembershipStatus;
  settings: TenantSettings;
  accountHasMfa: boolean;
}

/**
 * The memberships of one tenant, through one transaction (or the pool). The only code that
 * queries the memberships table for a tenant: the tenant is bound once, so no query here can
 * leave it out.
 */
export class TenantMemberships {
  constructor(
    private readonly em: EntityManager,
    private readonly dataSource: DataSource,
    readonly tenantId: string,
  ) {}

  /** A listed member (not removed), or null; `lock` takes the row for update. */
  async findListed(id: string, lock = false): Promise<MembershipEntity | null> {
    const member = await this.find(id, lock);
    return member && MEMBERSHIP_STATUS[member.status].listed ? member : null;
  }

  /** Any member, removed ones included. */
  async find(id: string, lock = false): Promise<MembershipEntity | null> {
    if (!isUuid(id)) return null;
    const qb = this.em
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND m.id = :id', { tenantId: this.tenantId, id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /**
   * A page of members in creation order. `status` absent lists the listed statuses; `inTeam` is a
   * condition on `m.id` with `:tenantId` and `:teamId` (members of a team tree, from teams).
   */
  async page(
    filter: {
      onlyId?: string;
      status?: MembershipStatus;
      role?: string;
      prefix?: string;
      inTeam?: { sql: string; teamId: string };
    },
    after: CursorKey | null,
    limit: number,
  ): Promise<MembershipEntity[]> {
    const qb = this.em
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId', { tenantId: this.tenantId });
    if (filter.onlyId !== undefined) qb.andWhere('m.id = :self', { self: filter.onlyId });
    if (filter.status) qb.andWhere('m.status = :status', { status: filter.status });
    else qb.andWhere(statusSql('m.status', 'listed'));
    if (filter.role) qb.andWhere('m.role = :role', { role: filter.role });
    if (filter.inTeam) qb.andWhere(filter.inTeam.sql, { teamId: filter.inTeam.teamId });
    if (filter.prefix) {
      const prefix = `${filter.prefix.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        `(lower(m.username) LIKE :prefix ESCAPE '\\' OR lower(m.email) LIKE :prefix ESCAPE '\\' OR lower(m.display_name) LIKE :prefix ESCAPE '\\')`,
        { prefix },
      );
    }
    return keyset(qb, 'm', 'created_at', after, limit).getMany();
  }

  async insert(member: MembershipEntity): Promise<void> {
    if (member.tenantId !== this.tenantId) throw new Error('A membership of another tenant');
    await this.em.insert(MembershipEntity, member);
  }

  async update(id: string, changes: MembershipChanges): Promise<void> {
    await this.em.update(MembershipEntity, { tenantId: this.tenantId, id }, changes);
  }

  /** Active Administrators other than `exceptId` (call under the tenant's lock). */
  async otherActiveAdmins(exceptId: string): Promise<number> {
    const [row]: { n: number }[] = await this.em.query(
      `SELECT count(*)::int AS n FROM memberships m
        WHERE m.tenant_id = $1 AND m.id <> $2 AND m.role = 'admin' AND ${statusSql('m.status', 'hasAccess')}`,
      [this.tenantId, exceptId],
    );
    return row?.n ?? 0;
  }

  /** Seats held by members (the trigger-kept counter), and pending invitations not expired. */
  async seats(): Promise<{ members: number; pendingInvitations: number }> {
    const [row]: { members: number | null; pending: number }[] = await this.em.query(
      `SELECT (SELECT active_members FROM tenant_seats WHERE tenant_id = $1) AS members,
              (SELECT count(*)::int FROM invitations WHERE tenant_id = $1 AND status = 'pending' AND expires_at > now()) AS pending`,
      [this.tenantId],
    );
    return { members: row?.members ?? 0, pendingInvitations: row?.pending ?? 0 };
  }

  /** A listed member with this email or username (any case), for invitation conflicts. */
  async listedWithEmailOrUsername(
    email: string,
    username: string,
  ): Promise<{ email: string } | null> {
    const [row]: { email: string }[] = await this.em.query(
      `SELECT email FROM memberships m WHERE m.tenant_id = $1 AND ${statusSql('m.status', 'listed')}
          AND (lower(m.email) = lower($2) OR lower(m.username) = lower($3)) LIMIT 1`,
      [this.tenantId, email, username],
    );
    return row ?? null;
  }

  /** Whether the account is a listed member here, or the username is taken by one. */
  async accountOrUsernameTaken(accountId: string, username: string): Promise<boolean> {
    const rows: unknown[] = await this.em.query(
      `SELECT 1 FROM memberships m WHERE m.tenant_id = $1 AND ${statusSql('m.status', 'listed')}
          AND (m.account_id = $2 OR lower(m.username) = lower($3)) LIMIT 1`,
      [this.tenantId, accountId, username],
    );
    return rows.length > 0;
  }

  /**
   * The listed members among `ids` with the names people see, share-locked (a removal waits for
   * the caller's change).
   */
  async lockListed(ids: string[]): Promise<{ id: string; name: string }[]> {
    if (ids.length === 0 || !ids.every(isUuid)) return [];
    // One array parameter and three columns: a SCIM PATCH may name 10,000 members.
    const rows: {
      id: string;
      display_name: string | null;
      username: string;
      name: object | null;
    }[] = await this.em.query(
      `SELECT m.id, m.display_name, m.username, m.scim->'name' AS name FROM memberships m
        WHERE m.tenant_id = $1 AND m.id = ANY($2::uuid[]) AND ${statusSql('m.status', 'listed')}
        ORDER BY m.id FOR SHARE`,
      [this.tenantId, ids],
    );
    return rows.map((r) => ({
      id: r.id,
      name: shownName({
        displayName: r.display_name,
        username: r.username,
        scim: { name: r.name },
      }),
    }));
  }

  /** Members holding a role (listed ones), for the role_in_use guardrail. */
  async countWithRole(role: string): Promise<number> {
    const [row]: { n: number }[] = await this.em.query(
      `SELECT count(*)::int AS n FROM memberships m WHERE m.tenant_id = $1 AND m.role = $2 AND ${statusSql('m.status', 'listed')}`,
      [this.tenantId, role],
    );
    return row?.n ?? 0;
  }

  /**
   * The member a SCIM create adopts instead of creating another: a listed member with this email
   * that no identity provider has provisioned (no externalId, never created or adopted over SCIM).
   */
  async adoptable(email: string, lock = false): Promise<MembershipEntity | null> {
    if (email === '') return null;
    const qb = this.em
      .getRepository(MembershipEntity)
      .createQueryBuilder('m')
      .where('m.tenant_id = :tenantId AND lower(m.email) = lower(:email)', {
        tenantId: this.tenantId,
        email,
      })
      .andWhere(statusSql('m.status', 'listed'))
      .andWhere('m.external_id IS NULL AND m.provisioned_at IS NULL')
      .orderBy('m.created_at')
      .addOrderBy('m.id')
      .limit(1);
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /**
   * The hot path of SCIM creates, in one round trip (the `provision_member` database function):
   * lock the tenant, find a member to adopt by email, check the seats for an active member, and
   * insert the member with its audit event. Run it on the pool, not inside a transaction: the
   * function is one statement and atomic by itself.
   */
  async provision(
    member: MembershipEntity,
    audit: Record<string, unknown>,
    checkSeat: boolean,
  ): Promise<ProvisionOutcome> {
    const [row] = await this.em.query<{ outcome: string }[]>(
      'SELECT provision_member($1, $2, $3, $4) AS outcome',
      [
        this.tenantId,
        JSON.stringify(columnsOf(this.dataSource, MembershipEntity, member)),
        JSON.stringify(audit),
        checkSeat,
      ],
    );
    const outcome = row?.outcome ?? 'no_tenant';
    const [kind, detail = ''] = outcome.split(':');
    if (kind === 'adopt') return { kind, memberId: detail };
    if (kind === 'seat_limit') return { kind, maxMembers: Number(detail) };
    if (kind === 'created') return { kind };
    return { kind: 'no_tenant' };
  }
}

/**
 * The memberships table's repository: tenant-scoped handles for lifecycle commands and lists,
 * and the account-wide reads sign-in needs.
 */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The tenant's memberships, through `em` (a transaction) or the pool. */
  of(tenantId: string, em: EntityManager = this.dataSource.manager): TenantMemberships {
    return new TenantMemberships(em, this.dataSource, tenantId);
  }

  async access(tenantId: string, accountId: string): Promise<AccessRow | null> {
    const rows: {
      id: string;
      role: string;
      status: MembershipStatus;
      settings: TenantSettings;
      totp_confirmed_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT m.id, m.role, m.status, t.settings, a.totp_confirmed_at
         FROM memberships m
         JOIN tenants t ON t.id = m.tenant_id
         JOIN accounts a ON a.id = m.account_id
        WHERE m.tenant_id = $1 AND m.account_id = $2 AND ${statusSql('m.status', 'listed')}`,
      [tenantId, accountId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      membershipId: row.id,
      role: row.role,
      status: row.status,
      settings: row.settings,
      accountHasMfa: row.totp_confirmed_at !== null,
    };
  }

  /** The tenants an account has access to, oldest membership first. */
  async tenantsOf(
    accountId: string,
  ): Promise<{ tenantId: string; name: string; slug: string; memberId: string; role: string }[]> {
    const rows: { tenant_id: string; name: string; slug: string; id: string; role: string }[] =
      await this.dataSource.query(
        `SELECT m.tenant_id, t.name, t.slug, m.id, m.role
           FROM memberships m JOIN tenants t ON t.id = m.tenant_id
          WHERE m.account_id = $1 AND ${statusSql('m.status', 'hasAccess')}
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

  /** The password policies of the tenants an account has access to. */
  async passwordPolicies(accountId: string): Promise<TenantSettings['passwordPolicy'][]> {
    const rows: { policy: TenantSettings['passwordPolicy'] | null }[] = await this.dataSource.query(
      `SELECT t.settings->'passwordPolicy' AS policy
         FROM memberships m JOIN tenants t ON t.id = m.tenant_id
        WHERE m.account_id = $1 AND ${statusSql('m.status', 'hasAccess')}`,
      [accountId],
    );
    return rows.map((r) => r.policy).filter((p): p is TenantSettings['passwordPolicy'] => !!p);
  }

  /**
   * Memberships provisioned before the person had an account join the account whose verified
   * email they carry: one per tenant, none in a tenant the account already belongs to.
   */
  async linkEmail(
    em: EntityManager,
    account: { id: string; email: string },
  ): Promise<{ tenantId: string; memberId: string }[]> {
    const listed = (alias: string) => statusSql(`${alias}.status`, 'listed');
    const rows: { tenant_id: string; id: string }[] = await em.query(
      `WITH linked AS (UPDATE memberships m SET account_id = $1, updated_at = now()
        WHERE m.id IN (SELECT DISTINCT ON (u.tenant_id) u.id FROM memberships u
                        WHERE u.account_id IS NULL AND ${listed('u')} AND lower(u.email) = lower($2)
                        ORDER BY u.tenant_id, u.created_at, u.id)
          AND m.account_id IS NULL AND ${listed('m')} AND lower(m.email) = lower($2)
          AND NOT EXISTS (SELECT 1 FROM memberships o WHERE o.tenant_id = m.tenant_id AND o.account_id = $1 AND ${listed('o')})
        RETURNING m.tenant_id, m.id)
       SELECT tenant_id, id FROM linked`,
      [account.id, account.email],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, memberId: r.id }));
  }

  /** lastActiveAt (no updatedAt: activity is not a change of the member). */
  async touch(tenantId: string, id: string, at: Date): Promise<void> {
    await this.dataSource
      .getRepository(MembershipEntity)
      .update({ tenantId, id }, { lastActiveAt: at });
  }
}
