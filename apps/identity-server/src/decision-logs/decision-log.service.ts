import {
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { newId, type CursorKey } from '#database';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { InvalidationService } from '../database/invalidation.service.js';
import { decisionLogsDropped, decisionLogsWritten } from '../metrics/metrics.js';
import type { DecisionLogSettings } from '../tenancy/settings.js';
import { TenantsService } from '../tenants/index.js';
import { DecisionLogEntity } from './decision-log.entity.js';
import { jsonOf, storable } from './decision-log-json.js';

export interface DecisionLogInput {
  requestId?: string | null;
  endpoint: string;
  decision: boolean;
  subject: unknown;
  action: unknown;
  resource: unknown;
  context?: unknown;
  reason?: unknown;
}

export interface DecisionLogView {
  id: string;
  at: string;
  requestId: string | null;
  endpoint: string;
  decision: boolean;
  subject: unknown;
  action: unknown;
  resource: unknown;
  context: unknown;
  reason: unknown;
}

export interface DecisionLogFilter {
  decision?: boolean;
  subjectId?: string;
  resourceType?: string;
  resourceId?: string;
  actionName?: string;
  requestId?: string;
  since?: Date;
  until?: Date;
}

/** A row ready to insert: its JSON values already serialized, capped and made storable. */
interface Row {
  tenantId: string;
  id: string;
  at: Date;
  requestId: string | null;
  endpoint: string;
  decision: boolean;
  subject: string;
  action: string;
  resource: string;
  context: string | null;
  reason: string | null;
}

/** Rows in one INSERT (11 parameters each, far below PostgreSQL's 65,535). */
const BATCH = 500;
const FLUSH_MS = 1000;
/** Past this many waiting entries new ones are dropped (and counted), never the decision. */
export const MAX_BUFFERED = 10_000;
/** Entries of one tenant held while its settings load (the first decisions after a start). */
const MAX_PENDING_PER_TENANT = 1000;
const DROP_WARNING_MS = 60_000;
const SWEEP_MS = 10 * 60_000;
const FIRST_SWEEP_MS = 30_000;
/** Expired rows deleted per statement, so a sweep never holds a long lock or a long transaction. */
const SWEEP_BATCH = 5000;
/** Past this many cached tenants, the settings cache starts over. */
const MAX_CACHED_TENANTS = 100_000;

type Sampling = Pick<DecisionLogSettings, 'enabled' | 'sampleRate'>;

/**
 * Decision logs: a tenant that turns them on (settings.decisionLogs) gets a sample of its policy
 * decisions with their inputs and reasons, kept retentionDays. `record` sits on the decision
 * path: it never waits, never throws and, for a tenant with logs off, costs a map lookup (its
 * settings are cached per instance and dropped when they change). Entries wait in memory and go
 * in as multi-row INSERTs every second, at 500 entries, and at shutdown.
 */
@Injectable()
export class DecisionLogService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('DecisionLogs');
  private readonly settings = new Map<string, Sampling>();
  /** Bumped on every drop, so a load that raced a settings change does not cache what it read. */
  private generation = 0;
  /** Entries of tenants whose settings are loading, decided once they arrive. */
  private readonly pending = new Map<string, Row[]>();
  private readonly loads = new Set<Promise<void>>();
  private buffer: Row[] = [];
  private flushing: Promise<void> | null = null;
  private kicked = false;
  private readonly dropped = new Map<string, number>();
  private lastDropWarning = 0;
  private timers: NodeJS.Timeout[] = [];
  /** SQL statements run to read tenants' settings: the decision path's only reads. */
  queries = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tenants: TenantsService,
    invalidation: InvalidationService,
  ) {
    invalidation.subscribe((event) => {
      if (event.kind === 'all') {
        this.settings.clear();
        this.generation++;
      } else if (event.kind === 'tenant_settings') {
        this.settings.delete(event.id);
        this.generation++;
      }
    });
  }

  onApplicationBootstrap(): void {
    const flush = setInterval(() => void this.flush(), FLUSH_MS);
    const sweep = setInterval(() => void this.sweep(), SWEEP_MS);
    const first = setTimeout(() => void this.sweep(), FIRST_SWEEP_MS);
    this.timers = [flush, sweep, first];
    for (const timer of this.timers) timer.unref();
  }

  /** Before every module's shutdown hook, so the database is still open for the last entries. */
  async beforeApplicationShutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.flush();
  }

  /** Logs one decision if the tenant's settings say so. Synchronous; never throws. */
  record(tenantId: string, entry: DecisionLogInput): void {
    try {
      const sampling = this.settings.get(tenantId);
      if (sampling) {
        if (sampling.enabled && Math.random() < sampling.sampleRate)
          this.enqueue(rowOf(tenantId, entry));
        return;
      }
      this.hold(tenantId, rowOf(tenantId, entry));
    } catch (error) {
      this.logger.warn({ err: error }, 'a decision could not be logged');
    }
  }

  /** Writes every waiting entry (and those of tenants whose settings are loading). */
  async flush(): Promise<void> {
    await Promise.all([...this.loads]);
    while (this.flushing) await this.flushing;
    this.flushing = this.drain().finally(() => {
      this.flushing = null;
    });
    await this.flushing;
    this.warnDrops();
  }

  async list(
    tenantId: string,
    filter: DecisionLogFilter,
    limit: number,
    after: CursorKey | null,
    order: 'oldest' | 'newest' = 'oldest',
  ): Promise<Page<DecisionLogView>> {
    const qb = this.dataSource
      .getRepository(DecisionLogEntity)
      .createQueryBuilder('d')
      .where('d.tenant_id = :tenantId', { tenantId });
    if (filter.decision !== undefined)
      qb.andWhere('d.decision = :decision', { decision: filter.decision });
    // The same expressions as the migration's indexes, so PostgreSQL can use them.
    if (filter.subjectId !== undefined)
      qb.andWhere("(d.subject->>'id') = :subjectId", { subjectId: filter.subjectId });
    if (filter.resourceType !== undefined)
      qb.andWhere("(d.resource->>'type') = :resourceType", { resourceType: filter.resourceType });
    if (filter.resourceId !== undefined)
      qb.andWhere("(d.resource->>'id') = :resourceId", { resourceId: filter.resourceId });
    if (filter.actionName !== undefined)
      qb.andWhere("(d.action->>'name') = :actionName", { actionName: filter.actionName });
    if (filter.requestId !== undefined)
      qb.andWhere('d.request_id = :requestId', { requestId: filter.requestId });
    if (filter.since) qb.andWhere('d.at >= :since', { since: filter.since });
    if (filter.until) qb.andWhere('d.at < :until', { until: filter.until });
    const direction = order === 'newest' ? 'DESC' : 'ASC';
    const rows = await keyset(qb, 'd', 'at', after, limit, direction).getMany();
    return pageOf(rows, limit, (d) => d.at, toView);
  }

  /**
   * Deletes the entries older than their tenant's retentionDays, in batches; returns how many.
   * Never throws (it runs on a timer).
   */
  async sweep(): Promise<number> {
    let removed = 0;
    try {
      // The tenants that have entries, read from the (tenant_id, at, id) index one tenant at a
      // time (a skip scan) rather than by reading every row.
      const tenants: { tenant_id: string }[] = await this.dataSource.query(
        `WITH RECURSIVE t AS (
           (SELECT tenant_id FROM decision_logs ORDER BY tenant_id LIMIT 1)
           UNION ALL
           SELECT (SELECT d.tenant_id FROM decision_logs d WHERE d.tenant_id > t.tenant_id
                    ORDER BY d.tenant_id LIMIT 1)
             FROM t WHERE t.tenant_id IS NOT NULL)
         SELECT tenant_id FROM t WHERE tenant_id IS NOT NULL`,
      );
      for (const { tenant_id: tenantId } of tenants) {
        const { retentionDays } = (await this.tenants.get(tenantId)).settings.decisionLogs;
        const before = new Date(Date.now() - retentionDays * 86_400_000);
        for (;;) {
          const [, count] = await this.dataSource.query<[unknown, number]>(
            `DELETE FROM decision_logs WHERE tenant_id = $1 AND id IN (
               SELECT id FROM decision_logs WHERE tenant_id = $1 AND at < $2 ORDER BY at LIMIT $3)`,
            [tenantId, before, SWEEP_BATCH],
          );
          removed += count;
          if (count < SWEEP_BATCH) break;
        }
      }
      if (removed > 0) this.logger.log(`deleted ${removed} expired decision log entries`);
    } catch (error) {
      this.logger.error({ err: error }, 'the decision log sweep failed');
    }
    return removed;
  }

  private enqueue(row: Row): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.drop(row.tenantId, 1);
      return;
    }
    this.buffer.push(row);
    // One early flush per full batch, not one per entry past it.
    if (this.buffer.length >= BATCH && !this.kicked) {
      this.kicked = true;
      void this.flush().finally(() => {
        this.kicked = false;
      });
    }
  }

  private drop(tenantId: string, count: number): void {
    this.dropped.set(tenantId, (this.dropped.get(tenantId) ?? 0) + count);
    decisionLogsDropped.inc(count);
  }

  /** An entry of a tenant whose settings are not cached: held until they load. */
  private hold(tenantId: string, row: Row): void {
    const held = this.pending.get(tenantId);
    if (held) {
      if (held.length < MAX_PENDING_PER_TENANT) held.push(row);
      else this.drop(tenantId, 1);
      return;
    }
    this.pending.set(tenantId, [row]);
    const load = this.load(tenantId).finally(() => this.loads.delete(load));
    this.loads.add(load);
  }

  private async load(tenantId: string): Promise<void> {
    const generation = this.generation;
    let sampling: Sampling | null = null;
    try {
      this.queries++;
      const { enabled, sampleRate } = (await this.tenants.get(tenantId)).settings.decisionLogs;
      sampling = { enabled, sampleRate };
      if (generation === this.generation) {
        if (this.settings.size >= MAX_CACHED_TENANTS) this.settings.clear();
        this.settings.set(tenantId, sampling);
      }
    } catch (error) {
      this.logger.warn({ err: error }, `could not read the decision log settings of ${tenantId}`);
    }
    const held = this.pending.get(tenantId) ?? [];
    this.pending.delete(tenantId);
    if (!sampling?.enabled) return;
    for (const row of held) if (Math.random() < sampling.sampleRate) this.enqueue(row);
  }

  private async drain(): Promise<void> {
    while (this.buffer.length > 0) {
      const rows = this.buffer.splice(0, BATCH);
      try {
        await this.insert(rows);
      } catch {
        // One tenant's rows may fail (a tenant deleted meanwhile): the others still go in.
        const byTenant = new Map<string, Row[]>();
        for (const row of rows)
          byTenant.set(row.tenantId, [...(byTenant.get(row.tenantId) ?? []), row]);
        for (const [tenantId, group] of byTenant) {
          try {
            await this.insert(group);
          } catch (error) {
            this.drop(tenantId, group.length);
            this.logger.warn({ err: error }, `could not write decision logs of ${tenantId}`);
          }
        }
      }
    }
  }

  private async insert(rows: Row[]): Promise<void> {
    const params: unknown[] = [];
    const values = rows.map((r) => {
      const at = params.length;
      params.push(
        r.tenantId,
        r.id,
        r.at,
        r.requestId,
        r.endpoint,
        r.decision,
        r.subject,
        r.action,
        r.resource,
        r.context,
        r.reason,
      );
      return `(${Array.from({ length: 11 }, (_, i) => `$${at + i + 1}`).join(', ')})`;
    });
    await this.dataSource.query(
      `INSERT INTO decision_logs (tenant_id, id, at, request_id, endpoint, decision, subject, action, resource, context, reason)
       VALUES ${values.join(', ')}`,
      params,
    );
    decisionLogsWritten.inc(rows.length);
  }

  /** One warning a minute at most, in plain words, for the entries the full buffer refused. */
  private warnDrops(): void {
    if (this.dropped.size === 0 || Date.now() - this.lastDropWarning < DROP_WARNING_MS) return;
    this.lastDropWarning = Date.now();
    const counts = [...this.dropped].map(([tenant, n]) => `${n} entries for tenant ${tenant}`);
    this.dropped.clear();
    this.logger.warn(`decision log buffer full: dropped ${counts.join(', ')}`);
  }
}

function rowOf(tenantId: string, entry: DecisionLogInput): Row {
  return {
    tenantId,
    id: newId(),
    at: new Date(),
    requestId: typeof entry.requestId === 'string' ? storable(entry.requestId).slice(0, 200) : null,
    endpoint: storable(String(entry.endpoint)).slice(0, 32),
    decision: entry.decision === true,
    subject: jsonOf(entry.subject) ?? 'null',
    action: jsonOf(entry.action) ?? 'null',
    resource: jsonOf(entry.resource) ?? 'null',
    context: jsonOf(entry.context),
    reason: jsonOf(entry.reason),
  };
}

function toView(d: DecisionLogEntity): DecisionLogView {
  return {
    id: d.id,
    at: d.at.toISOString(),
    requestId: d.requestId,
    endpoint: d.endpoint,
    decision: d.decision,
    subject: d.subject,
    action: d.action,
    resource: d.resource,
    context: d.context ?? null,
    reason: d.reason ?? null,
  };
}
