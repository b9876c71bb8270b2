import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/** A tenant's SCIM bearer token: it selects the tenant under /scim/v2. Only its SHA-256 is stored. */
@Entity({ name: 'scim_tokens' })
@Index('scim_tokens_tenant_prefix_key', ['tenantId', 'prefix'], { unique: true })
@Index('scim_tokens_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
export class ScimTokenEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'scim_tokens_tenant_fk',
  })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Non-secret lookup handle; indexed alone because a SCIM request names no tenant. */
  @Index('scim_tokens_prefix_idx')
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ name: 'created_by_type', type: 'varchar', length: 32 })
  createdByType!: string;

  @Column({ name: 'created_by_id', type: 'varchar', length: 64 })
  createdById!: string;

  /** Millisecond precision, like the cursors that page on it. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
