import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantCredentialEntity } from '../credentials/index.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/**
 * A tenant API key: acts in its tenant with its role. Only the SHA-256 of the key is stored;
 * `prefix` finds the row, and is indexed alone because a request names no tenant before auth.
 */
@Entity({ name: 'api_keys' })
@Index('api_keys_tenant_prefix_key', ['tenantId', 'prefix'], { unique: true })
@Index('api_keys_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
@Index('api_keys_prefix_idx', ['prefix'])
export class ApiKeyEntity extends TenantCredentialEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE', createForeignKeyConstraints: true })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'api_keys_tenant_fk',
  })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 64 })
  role!: string;
}
