import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { MembershipEntity } from '../members/index.js';
import { TeamEntity } from '../teams/index.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/**
 * A tenant's own resource as policy conditions see it: the caller's (type, id), free properties,
 * and optionally an owning member and team of the tenant (composite foreign keys, set to NULL when
 * that member or team goes; see the Resources migration).
 *
 * The relations below exist only so that the schema check knows the three foreign keys. The
 * migration writes the owner's and team's as `ON DELETE SET NULL (column)`, which clears only that
 * column and keeps tenant_id; TypeORM reads both forms as `SET NULL`.
 */
@Entity({ name: 'resources' })
@Index('resources_properties_idx', { synchronize: false })
@Index('resources_owner_idx', { synchronize: false })
@Index('resources_team_idx', { synchronize: false })
export class ResourceEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @PrimaryColumn({ type: 'varchar', length: 64 })
  type!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  id!: string;

  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'resources_tenant_fk',
  })
  tenant?: TenantEntity;

  @ManyToOne(() => MembershipEntity, { onDelete: 'SET NULL' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'resources_owner_fk',
    },
    {
      name: 'owner_member_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'resources_owner_fk',
    },
  ])
  owner?: MembershipEntity;

  @ManyToOne(() => TeamEntity, { onDelete: 'SET NULL' })
  @JoinColumn([
    {
      name: 'tenant_id',
      referencedColumnName: 'tenantId',
      foreignKeyConstraintName: 'resources_team_fk',
    },
    { name: 'team_id', referencedColumnName: 'id', foreignKeyConstraintName: 'resources_team_fk' },
  ])
  team?: TeamEntity;

  @Column({ type: 'jsonb', default: {} })
  properties!: Record<string, unknown>;

  @Column({ name: 'owner_member_id', type: 'uuid', nullable: true })
  ownerMemberId!: string | null;

  @Column({ name: 'team_id', type: 'uuid', nullable: true })
  teamId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
