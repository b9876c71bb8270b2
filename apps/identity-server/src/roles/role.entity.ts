import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { PermissionRule } from '#policy';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/** A tenant's own role: a key members, keys and invitations can carry, with CASL-style rules. */
@Entity({ name: 'roles' })
@Index('roles_tenant_created_idx', ['tenantId', 'createdAt', 'key'])
export class RoleEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  key!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'roles_tenant_fk',
  })
  tenant?: TenantEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  description!: string;

  @Column({ type: 'jsonb' })
  permissions!: PermissionRule[];

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
