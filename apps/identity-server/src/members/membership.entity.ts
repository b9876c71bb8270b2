import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

import type { MembershipStatus } from './membership-status.js';

/**
 * A person's place in one tenant (the API's "member"). It may exist before any account does
 * (SCIM provisions memberships); removal is a status so history and ids stay resolvable.
 */
@Entity({ name: 'memberships' })
/** Usernames are unique per tenant regardless of case among members not removed (migration-kept index). */
@Index('memberships_tenant_username_key', { synchronize: false })
@Index('memberships_tenant_account_key', ['tenantId', 'accountId'], {
  unique: true,
  where: `"account_id" IS NOT NULL AND "status" <> 'removed'`,
})
@Index('memberships_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
@Index('memberships_tenant_external_id_idx', ['tenantId', 'externalId'])
/** Seats are counted under the tenant's lock on every SCIM create: an index-only count. */
@Index('memberships_tenant_active_idx', ['tenantId'], { where: `"status" = 'active'` })
/** Email lookups ignore case (SCIM filters, linking a provisioned member at sign-in; migration-kept index). */
@Index('memberships_tenant_email_idx', { synchronize: false })
/** Members provisioned before their account exists, found by email at sign-in (migration-kept index). */
@Index('memberships_unlinked_email_idx', { synchronize: false })
export class MembershipEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'memberships_tenant_fk',
  })
  tenant?: TenantEntity;

  /** Null until the person's account is linked (SCIM-provisioned members). */
  @Index('memberships_account_idx')
  @Column({ name: 'account_id', type: 'uuid', nullable: true })
  accountId!: string | null;

  @Column({ type: 'varchar', length: 100 })
  username!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /**
   * The name the person goes by; null while unassigned (a SCIM user without displayName): views
   * then show a name derived from the name parts or the username (`shownName`).
   */
  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  @Column({ type: 'varchar', length: 64 })
  role!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: MembershipStatus;

  /** The identity provider's id for the person (SCIM externalId). */
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId!: string | null;

  /**
   * The rest of the SCIM view of the person (name parts, emails, phone numbers, addresses,
   * title, enterprise extension, ...); username, email, display name and status are columns.
   * Optional on insert (the column defaults to `{}`): only SCIM writes it.
   */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  scim?: object;

  /**
   * When an identity provider first provisioned the member (a SCIM create, or a SCIM create that
   * adopted a member invited before). Null for members no identity provider has claimed yet: a
   * SCIM create with their email adopts them instead of making another member.
   */
  @Column({ name: 'provisioned_at', type: 'timestamptz', nullable: true })
  provisionedAt!: Date | null;

  @Column({ name: 'last_active_at', type: 'timestamptz', nullable: true })
  lastActiveAt!: Date | null;

  /** Millisecond precision, like the cursors that page on it. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
