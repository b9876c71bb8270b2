import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A tenant's own resource as policy conditions see it: the caller's (type, id), free properties,
 * and optionally an owning member and team of the tenant (composite foreign keys, set to NULL when
 * that member or team goes; see the Resources migration).
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
