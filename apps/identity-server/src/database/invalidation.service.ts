import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { Counter } from 'prom-client';
import { registry } from '../metrics/metrics.js';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type TransactionCommitEvent,
  type TransactionRollbackEvent,
} from 'typeorm';

export const INVALIDATION_CHANNEL = 'identity_invalidation';

/** Notifications heard from every instance (this one's included), applied to the caches. */
const received = new Counter({
  name: 'identity_invalidations_received_total',
  help: 'Cache invalidations received over LISTEN/NOTIFY, by kind',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/**
 * What changed: a session, every session of an account, a tenant's access rules, whatever decides
 * a tenant's permissions (roles, memberships, teams, grants: `policy`), a revoked credential (an
 * API key, personal key or SCIM token, by id), a tenant's settings (`tenant_settings`, by tenant
 * id), or (after a lost connection) anything.
 */
export type Invalidation =
  | { kind: 'session'; id: string }
  | { kind: 'account'; id: string }
  | { kind: 'access_rules'; id: string }
  | { kind: 'policy'; id: string }
  | { kind: 'credential'; id: string }
  | { kind: 'tenant_settings'; id: string }
  | { kind: 'all' };

type Listener = (event: Invalidation) => void;

/**
 * Cross-instance cache invalidation over PostgreSQL LISTEN/NOTIFY. A write announces what it
 * changed with `announce(em, …)` inside its transaction: PostgreSQL delivers the notification
 * only when that transaction commits, to every instance (this one included).
 */
@Injectable()
export class InvalidationService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Invalidation');
  private readonly listeners = new Set<Listener>();
  private client: pg.Client | null = null;
  private stopping = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly dataSource: DataSource) {}

  subscribe(listener: Listener): void {
    this.listeners.add(listener);
  }

  /**
   * Announces a change inside the writing transaction. Other instances hear it through NOTIFY at
   * commit; this instance applies it right after commit too, so the writer's very next request
   * never meets its own stale cache, whatever the NOTIFY's delay.
   */
  async announce(em: EntityManager, event: Invalidation): Promise<void> {
    await em.query('SELECT pg_notify($1, $2)', [INVALIDATION_CHANNEL, JSON.stringify(event)]);
    const runner = em.queryRunner;
    if (runner?.isTransactionActive) {
      const data = runner.data as { invalidations?: Invalidation[] };
      (data.invalidations ??= []).push(event);
    } else {
      this.emit(event);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    this.dataSource.subscribers.push(this.afterCommit);
    await this.connect();
  }

  private readonly afterCommit: EntitySubscriberInterface = {
    afterTransactionCommit: (event: TransactionCommitEvent) => {
      const data = event.queryRunner.data as { invalidations?: Invalidation[] };
      const events = data.invalidations;
      if (!events) return;
      delete data.invalidations;
      for (const e of events) this.emit(e);
    },
    afterTransactionRollback: (event: TransactionRollbackEvent) => {
      delete (event.queryRunner.data as { invalidations?: Invalidation[] }).invalidations;
    },
  };

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const options = this.dataSource.options as { url?: string };
    const client = new pg.Client({
      connectionString: options.url,
      application_name: 'identity-server-listen',
    });
    client.on('notification', (message) => {
      if (message.channel !== INVALIDATION_CHANNEL || !message.payload) return;
      try {
        const event = JSON.parse(message.payload) as Invalidation;
        this.emit(event);
        received.inc({ kind: event.kind });
      } catch {
        this.logger.warn('ignored a malformed invalidation message');
      }
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      await client.query(`LISTEN ${INVALIDATION_CHANNEL}`);
      this.client = client;
    } catch (error) {
      this.lost(client, error);
    }
  }

  /** Missed notifications cannot be known: drop every cached entry, then listen again. */
  private lost(client: pg.Client, error: unknown): void {
    if (this.stopping || (this.client !== client && this.client !== null)) return;
    this.client = null;
    this.emit({ kind: 'all' });
    this.logger.warn(
      { err: error },
      'lost the invalidation connection: caches cleared, reconnecting in 1 s',
    );
    client.removeAllListeners();
    void client.end().catch(() => undefined);
    this.retryTimer = setTimeout(() => void this.connect(), 1000);
    this.retryTimer.unref();
  }

  private emit(event: Invalidation): void {
    for (const listener of this.listeners) listener(event);
  }
}
