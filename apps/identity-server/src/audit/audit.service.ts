import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { newId, type CursorKey } from '#database';
import { keyset, pageOf } from '../common/pagination.js';
import type { Actor, RequestMeta } from '../common/principal.js';
import { AuditEventEntity, type AuditChanges } from './audit-event.entity.js';
import { columnsOf } from '../database/columns.js';

/**
 * Events about accounts rather than tenants (sign-ins, sessions, MFA, passwords) are kept under
 * this reserved tenant id, so the one audit table serves both.
 */
export const PLATFORM_AUDIT_TENANT = '00000000-0000-0000-0000-000000000000';

export interface AuditRecord {
  tenantId: string;
  type: string;
  actor: Actor;
  target: { type: string; id: string };
  meta: RequestMeta;
  changes?: AuditChanges;
}

export interface AuditEventView {
  id: string;
  type: string;
  actor: Actor;
  target: { type: string; id: string };
  tenantId: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  at: string;
  changes?: AuditChanges;
}

export interface AuditFilter {
  type?: string;
  actorId?: string;
  targetId?: string;
  since?: Date;
  until?: Date;
}

/** Writes audit events inside the caller's transaction and reads them back with filters. */
@Injectable()
export class AuditService {
  constructor(private readonly dataSource: DataSource) {}

  /** Must be called with the EntityManager of the transaction that makes the change. */
  async record(em: EntityManager, event: AuditRecord): Promise<void> {
    if (!em.queryRunner?.isTransactionActive) {
      throw new Error(
        'audit events are written inside the transaction of the change they describe',
      );
    }
    // jsonb columns do not fit TypeORM's deep-partial insert type; the row is fully typed.
    await em.insert(AuditEventEntity, rowOf(event) as QueryDeepPartialEntity<AuditEventEntity>);
  }

  /**
   * The event as a row keyed by column name, for a database function that writes it in the same
   * statement as the change it describes (see the `provision_member` migration).
   */
  columnsOf(event: AuditRecord): Record<string, unknown> {
    return columnsOf(this.dataSource, AuditEventEntity, rowOf(event));
  }

  /** An event about a person (sign-in, MFA, password), acting on their own account. */
  recordForAccount(
    em: EntityManager,
    type: string,
    accountId: string,
    meta: RequestMeta,
    changes?: AuditChanges,
  ): Promise<void> {
    return this.record(em, {
      tenantId: PLATFORM_AUDIT_TENANT,
      type,
      actor: { type: 'account', id: accountId },
      target: { type: 'account', id: accountId },
      meta,
      ...(changes ? { changes } : {}),
    });
  }

  async list(
    tenantId: string,
    filter: AuditFilter,
    limit: number,
    after: CursorKey | null,
  ): Promise<{ data: AuditEventView[]; nextCursor: string | null }> {
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId', { tenantId });
    if (filter.type) {
      if (filter.type.endsWith('.*')) {
        qb.andWhere("e.type LIKE :prefix ESCAPE '\\'", {
          prefix: `${escapeLike(filter.type.slice(0, -1))}%`,
        });
      } else {
        qb.andWhere('e.type = :type', { type: filter.type });
      }
    }
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.targetId) qb.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    if (filter.since) qb.andWhere('e.at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.at < :until', { until: filter.until });
    const rows = await keyset(qb, 'e', 'at', after, limit).getMany();
    return pageOf(rows, limit, (e) => e.at, toView);
  }
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

function toView(e: AuditEventEntity): AuditEventView {
  return {
    id: e.id,
    type: e.type,
    actor: { type: e.actorType, id: e.actorId },
    target: { type: e.targetType, id: e.targetId },
    tenantId: e.tenantId,
    ip: e.ip,
    userAgent: e.userAgent,
    requestId: e.requestId,
    at: e.at.toISOString(),
    ...(e.changes ? { changes: e.changes } : {}),
  };
}

function rowOf(event: AuditRecord): AuditEventEntity {
  return {
    tenantId: event.tenantId,
    id: newId(),
    type: event.type,
    actorType: event.actor.type,
    actorId: event.actor.id,
    targetType: event.target.type,
    targetId: event.target.id,
    ip: event.meta.ip,
    userAgent: event.meta.userAgent,
    requestId: event.meta.requestId,
    changes: event.changes ?? null,
    at: new Date(),
  };
}
