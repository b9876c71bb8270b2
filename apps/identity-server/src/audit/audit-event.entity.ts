import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';

export interface AuditChanges {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

/**
 * One audit event, written in the transaction of the change it describes. Kept without a
 * foreign key to the tenant so that the trail outlives anything it mentions.
 */
@Entity({ name: 'audit_events' })
@Index('audit_events_tenant_at_idx', ['tenantId', 'at', 'id'])
@Index('audit_events_tenant_type_idx', ['tenantId', 'type', 'at'])
@Index('audit_events_tenant_actor_idx', ['tenantId', 'actorId', 'at'])
@Index('audit_events_tenant_target_idx', ['tenantId', 'targetId', 'at'])
export class AuditEventEntity extends TenantScopedEntity {
  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ name: 'actor_type', type: 'varchar', length: 32 })
  actorType!: string;

  @Column({ name: 'actor_id', type: 'varchar', length: 64 })
  actorId!: string;

  @Column({ name: 'target_type', type: 'varchar', length: 32 })
  targetType!: string;

  @Column({ name: 'target_id', type: 'varchar', length: 64 })
  targetId!: string;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'request_id', type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  changes!: AuditChanges | null;

  /** Millisecond precision, like the cursors that page on it. */
  @Column({ type: 'timestamptz', precision: 3 })
  at!: Date;
}
