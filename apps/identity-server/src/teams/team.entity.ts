import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import type { PermissionRule } from '#policy';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/**
 * A team, or a department when it has children. A SCIM Group is a team. Names are unique among
 * siblings regardless of case (migration-kept expression index).
 */
@Entity({ name: 'teams' })
@Index('teams_sibling_name_key', { synchronize: false })
@Index('teams_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
@Index('teams_tenant_parent_idx', ['tenantId', 'parentId'])
@Index('teams_tenant_external_id_idx', ['tenantId', 'externalId'])
export class TeamEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'teams_tenant_fk',
  })
  tenant?: TenantEntity;

  @ManyToOne(() => TeamEntity, { onDelete: 'NO ACTION' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'teams_parent_fk',
    },
    { name: 'parent_id', referencedColumnName: 'id', foreignKeyConstraintName: 'teams_parent_fk' },
  ])
  parent?: TeamEntity;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  description!: string;

  @Column({ name: 'parent_id', type: 'uuid', nullable: true })
  parentId!: string | null;

  /** The identity provider's id for the group (SCIM externalId); only SCIM sets it. */
  @Column({ name: 'external_id', type: 'varchar', length: 255, nullable: true })
  externalId?: string | null;

  /** Rules granted to every member of this team and of its sub-teams. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  permissions!: PermissionRule[];

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
