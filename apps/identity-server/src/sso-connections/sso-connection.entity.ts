import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/**
 * A tenant's OpenID Connect identity provider (its Okta, Keycloak, …). The client secret is
 * sealed with the SecretBox, its additional data binding it to the tenant and the connection, so
 * a sealed value copied to another row does not open. Names are unique in the tenant regardless
 * of case (migration-kept expression index).
 */
@Entity({ name: 'sso_connections' })
@Index('sso_connections_tenant_name_key', { synchronize: false })
@Index('sso_connections_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
// The id alone too: the sign-in URL names the connection, not its tenant.
@Index('sso_connections_id_idx', ['id'])
export class SsoConnectionEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'sso_connections_tenant_fk',
  })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** Exactly as the provider's discovery document states it (no trailing slash added or cut). */
  @Column({ type: 'varchar', length: 2048 })
  issuer!: string;

  @Column({ name: 'client_id', type: 'varchar', length: 255 })
  clientId!: string;

  /** Sealed: `SecretBox.seal(secret, aad)` with aad `sso_connection:<tenantId>:<id>`. */
  @Column({ name: 'client_secret', type: 'text' })
  clientSecret!: string;

  /** Lower-cased email domains a member may sign in from; empty: any. */
  @Column({ name: 'allowed_domains', type: 'text', array: true })
  allowedDomains!: string[];

  @Column({ type: 'boolean' })
  enabled!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
