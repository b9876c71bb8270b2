import { Column, Entity, JoinColumn, OneToOne, PrimaryColumn } from 'typeorm';
import { TenantEntity } from './tenant.entity.js';

/**
 * How many active members a tenant has, kept by database triggers on memberships (see the
 * SeatCounter migration), so a seat check reads one row instead of counting every member.
 */
@Entity({ name: 'tenant_seats' })
export class TenantSeatsEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @OneToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'tenant_seats_tenant_fk',
  })
  tenant?: TenantEntity;

  @Column({ name: 'active_members', type: 'integer', default: 0 })
  activeMembers!: number;
}
