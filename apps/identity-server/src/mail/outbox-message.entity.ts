import { Column, Entity, Index } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';

export type OutboxStatus = 'pending' | 'sent' | 'failed' | 'local';

/**
 * An email written in the transaction of the change that causes it and sent after commit, with
 * retries. Subject and bodies are sealed (they carry invitation links).
 */
@Entity({ name: 'outbox_messages' })
@Index('outbox_messages_due_idx', ['status', 'nextAttemptAt'])
@Index('outbox_messages_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
@Index('outbox_messages_subject_idx', ['tenantId', 'subjectType', 'subjectId'])
export class OutboxMessageEntity extends TenantScopedEntity {
  /** What the message is about, e.g. an invitation. */
  @Column({ name: 'subject_type', type: 'varchar', length: 32 })
  subjectType!: string;

  @Column({ name: 'subject_id', type: 'uuid' })
  subjectId!: string;

  @Column({ name: 'to_address', type: 'varchar', length: 254 })
  to!: string;

  /** Sealed JSON `{ subject, text, html }`. */
  @Column({ type: 'text' })
  content!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OutboxStatus;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'next_attempt_at', type: 'timestamptz' })
  nextAttemptAt!: Date;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt!: Date | null;
}
