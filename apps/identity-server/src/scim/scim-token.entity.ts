import { Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantCredentialEntity } from '../credentials/index.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/**
 * A tenant's SCIM bearer token: it selects the tenant under /scim/v2. Only its SHA-256 is stored;
 * `prefix` finds the row, and is indexed alone because a SCIM request names no tenant.
 */
@Entity({ name: 'scim_tokens' })
@Index('scim_tokens_tenant_prefix_key', ['tenantId', 'prefix'], { unique: true })
@Index('scim_tokens_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
@Index('scim_tokens_prefix_idx', ['prefix'])
export class ScimTokenEntity extends TenantCredentialEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'scim_tokens_tenant_fk',
  })
  tenant?: TenantEntity;
}
