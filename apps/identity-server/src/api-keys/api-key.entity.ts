import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/** A tenant API key. Only the SHA-256 of the key is stored; `prefix` finds the row. */
@Entity({ name: 'api_keys' })
@Index('api_keys_tenant_prefix_key', ['tenantId', 'prefix'], { unique: true })
@Index('api_keys_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
export class ApiKeyEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'api_keys_tenant_fk',
  })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  role!: string;

  /** Non-secret lookup handle; also indexed alone because a request names no tenant before auth. */
  @Index('api_keys_prefix_idx')
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

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
