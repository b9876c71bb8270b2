import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { newId, type CursorKey } from '#database';
import { keyset, pageOf } from '../common/pagination.js';
import type { Actor, RequestMeta } from '../common/principal.js';
import { AuditEventEntity, type AuditChanges } from './audit-event.entity.js';
import { columnsOf } from '../database/columns.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

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
  /** Any of these: a type (`apikey.created`) or a prefix (`apikey.*`). */
  types?: readonly string[];
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
    order: 'oldest' | 'newest' = 'oldest',
  ): Promise<{ data: AuditEventView[]; nextCursor: string | null }> {
    const direction = order === 'newest' ? 'DESC' : 'ASC';
    const rows = await keyset(
      this.filtered(tenantId, filter),
      'e',
      'at',
      after,
      limit,
      direction,
    ).getMany();
    return pageOf(rows, limit, (e) => e.at, toView);
  }

  /**
   * Every event of the filter, oldest first, read in keyset batches of `batch` rows so that a long
   * trail is never held whole; stops after `cap` events.
   */
  async *stream(
    tenantId: string,
    filter: AuditFilter,
    cap: number,
    batch = 1000,
  ): AsyncGenerator<AuditEventView> {
    let after: CursorKey | null = null;
    let sent = 0;
    while (sent < cap) {
      const size = Math.min(batch, cap - sent);
      // keyset() reads one row more, to tell a page that has a next one; a stream does not need it.
      const rows = await keyset(this.filtered(tenantId, filter), 'e', 'at', after, size)
        .limit(size)
        .getMany();
      for (const row of rows) yield toView(row);
      sent += rows.length;
      const last = rows.at(-1);
      if (!last || rows.length < size) return;
      after = { at: last.at.toISOString(), id: last.id };
    }
  }

  /** The tenant's slug, which names its export files. */
  async slugOf(tenantId: string): Promise<string> {
    const tenant = await this.dataSource
      .getRepository(TenantEntity)
      .findOne({ select: { slug: true }, where: { id: tenantId } });
    return tenant?.slug ?? tenantId;
  }

  private filtered(tenantId: string, filter: AuditFilter) {
    const qb = this.dataSource
      .getRepository(AuditEventEntity)
      .createQueryBuilder('e')
      .where('e.tenant_id = :tenantId', { tenantId });
    if (filter.types?.length) {
      const exact = filter.types.filter((t) => !t.endsWith('.*'));
      const prefixes = filter.types
        .filter((t) => t.endsWith('.*'))
        .map((t) => `${escapeLike(t.slice(0, -1))}%`);
      // LIKE's default escape character is the backslash escapeLike() uses.
      const any = [
        ...(exact.length ? ['e.type = ANY(:exact)'] : []),
        ...(prefixes.length ? ['e.type LIKE ANY(:prefixes)'] : []),
      ];
      qb.andWhere(`(${any.join(' OR ')})`, { exact, prefixes });
    }
    if (filter.actorId) qb.andWhere('e.actor_id = :actorId', { actorId: filter.actorId });
    if (filter.targetId) qb.andWhere('e.target_id = :targetId', { targetId: filter.targetId });
    if (filter.since) qb.andWhere('e.at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('e.at < :until', { until: filter.until });
    return qb;
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
