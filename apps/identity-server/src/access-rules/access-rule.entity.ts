import { Column, Entity, Index } from 'typeorm';
import type { AccessRule, TimeWindow } from '#policy';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';

/** An IP and/or time condition that allows or denies a tenant's members and keys. */
@Entity({ name: 'access_rules' })
@Index('access_rules_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
export class AccessRuleEntity extends TenantScopedEntity {
  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  effect!: 'allow' | 'deny';

  @Column({ type: 'jsonb', nullable: true })
  ip!: { cidrs: string[] } | null;

  @Column({ type: 'jsonb', nullable: true })
  time!: TimeWindow | null;

  @Column({ name: 'applies_to', type: 'jsonb' })
  appliesTo!: AccessRule['appliesTo'];

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
