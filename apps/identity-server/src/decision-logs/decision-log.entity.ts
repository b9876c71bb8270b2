import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

/**
 * One logged policy decision with its inputs. The id is a UUIDv7 (time-ordered), so rows arrive
 * at the right edge of the (tenant_id, at, id) index that pages, filters by time and expires them.
 * The subject, request and resource filters have migration-kept expression indexes.
 */
@Entity({ name: 'decision_logs' })
@Index('decision_logs_tenant_at_idx', ['tenantId', 'at', 'id'])
@Index('decision_logs_tenant_request_idx', ['tenantId', 'requestId'])
@Index('decision_logs_tenant_subject_idx', { synchronize: false })
@Index('decision_logs_tenant_resource_idx', { synchronize: false })
export class DecisionLogEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'decision_logs_tenant_fk',
  })
  tenant?: TenantEntity;

  /** Millisecond precision, like the cursors that page on it. */
  @Column({ type: 'timestamptz', precision: 3 })
  at!: Date;

  @Column({ name: 'request_id', type: 'varchar', length: 200, nullable: true })
  requestId!: string | null;

  /** Which API decided: authorize, evaluation, evaluations, search.subject, … */
  @Column({ type: 'varchar', length: 32 })
  endpoint!: string;

  @Column({ type: 'boolean' })
  decision!: boolean;

  @Column({ type: 'jsonb' })
  subject!: unknown;

  @Column({ type: 'jsonb' })
  action!: unknown;

  @Column({ type: 'jsonb' })
  resource!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  context!: unknown;

  @Column({ type: 'jsonb', nullable: true })
  reason!: unknown;
}
