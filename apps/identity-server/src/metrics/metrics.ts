import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Public } from '../common/decorators.js';
import { installTracing } from './tracing.js';

export const registry = new Registry();
let defaultsCollected = false;

const requests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [registry],
});

const durations = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request duration by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});

/** Password sign-ins by outcome (`locked`: refused unchecked, at an attempt limit). */
export const signIns = new Counter({
  name: 'identity_auth_sign_ins_total',
  help: 'Sign-ins by method and result (success, failure, locked, mfa_required)',
  labelNames: ['method', 'result'] as const,
  registers: [registry],
});

/** A key reaching its attempt limit: account, ip, password (change) or mfa. */
export const lockouts = new Counter({
  name: 'identity_auth_lockouts_total',
  help: 'Attempt limits reached, by kind of key (account, ip, password, mfa)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Second-factor checks: required (asked for), success, failure, locked (refused unchecked). */
export const mfaChallenges = new Counter({
  name: 'identity_auth_mfa_challenges_total',
  help: 'Second-factor challenges by result (required, success, failure, locked)',
  labelNames: ['result'] as const,
  registers: [registry],
});

/** Requests refused by a rate limit, by the limit's name (a fixed, small set). */
export const rateLimitRefusals = new Counter({
  name: 'identity_rate_limit_refusals_total',
  help: 'Requests refused with 429 by a rate limit, by limit',
  labelNames: ['limit'] as const,
  registers: [registry],
});

/** Decision log entries written, and those dropped (buffer full, or a failed write). */
export const decisionLogsWritten = new Counter({
  name: 'identity_decision_logs_written_total',
  help: 'Decision log entries written to the database',
  registers: [registry],
});

export const decisionLogsDropped = new Counter({
  name: 'identity_decision_logs_dropped_total',
  help: 'Decision log entries dropped: the buffer was full or their write failed',
  registers: [registry],
});

const scimOperations = new Counter({
  name: 'identity_scim_operations_total',
  help: 'SCIM requests by resource type (Users, Groups, Schemas, …), method and status code',
  labelNames: ['resource', 'method', 'status'] as const,
  registers: [registry],
});

const SCIM_ROUTE = /^\/scim\/v2\/([A-Za-z.]+)/;

/** Invitation lifecycle events; `expired` counts acceptances refused because the link expired. */
export const invitationEvents = new Counter({
  name: 'identity_invitations_total',
  help: 'Invitations created, accepted and revoked, and acceptances refused as expired',
  labelNames: ['event'] as const,
  registers: [registry],
});
for (const event of ['created', 'accepted', 'revoked', 'expired'])
  invitationEvents.inc({ event }, 0);

/** Outbox deliveries by outcome: sent, retry (failed, will be tried again) or failed (gave up). */
export const outboxDeliveries = new Counter({
  name: 'identity_outbox_deliveries_total',
  help: 'Outbox email delivery attempts by result: sent, retry (will be tried again), failed (gave up)',
  labelNames: ['result'] as const,
  registers: [registry],
});
for (const result of ['sent', 'retry', 'failed']) outboxDeliveries.inc({ result }, 0);

/** Policy cache lookups; pre-bound children keep the hot path to one addition. */
const policyCache = new Counter({
  name: 'identity_policy_cache_lookups_total',
  help: 'Compiled-policy cache lookups by result: hit or miss',
  labelNames: ['result'] as const,
  registers: [registry],
});
export const policyCacheHits = policyCache.labels('hit');
export const policyCacheMisses = policyCache.labels('miss');

/** What the scrape-time gauges read; the modules that own the data register these. */
export interface PoolStats {
  max: number;
  total: number;
  idle: number;
  waiting: number;
}
export interface OutboxBacklog {
  pending: number;
  due: number;
  failed: number;
  oldestPendingSeconds: number;
}
const sources: {
  pool: (() => PoolStats | null) | null;
  outbox: (() => Promise<OutboxBacklog | null>) | null;
} = { pool: null, outbox: null };

export function registerPoolStats(read: (() => PoolStats | null) | null): void {
  sources.pool = read;
}
/** The latest started app's outbox (tests run several apps in one process). */
export function registerOutboxBacklog(read: (() => Promise<OutboxBacklog | null>) | null): void {
  sources.outbox = read;
}

/** One backlog query per scrape, shared by the gauges that show it (collected in parallel). */
let backlogRead: Promise<OutboxBacklog | null> | null = null;
function outboxBacklog(): Promise<OutboxBacklog | null> {
  if (!backlogRead) {
    const read = sources.outbox;
    backlogRead = (read ? read().catch(() => null) : Promise.resolve(null)).finally(() => {
      backlogRead = null;
    });
  }
  return backlogRead;
}

new Gauge({
  name: 'identity_db_pool_connections',
  help: 'Database pool connections by state: max (configured size), open, in_use, idle; and requests waiting for one',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const stats = sources.pool?.();
    if (!stats) return;
    this.set({ state: 'max' }, stats.max);
    this.set({ state: 'open' }, stats.total);
    this.set({ state: 'in_use' }, stats.total - stats.idle);
    this.set({ state: 'idle' }, stats.idle);
    this.set({ state: 'waiting' }, stats.waiting);
  },
});

new Gauge({
  name: 'identity_outbox_messages',
  help: 'Outbox messages not sent: pending (due now or later), due (pending and due now), failed (given up)',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    const backlog = await outboxBacklog();
    if (!backlog) return;
    this.set({ state: 'pending' }, backlog.pending);
    this.set({ state: 'due' }, backlog.due);
    this.set({ state: 'failed' }, backlog.failed);
  },
});

new Gauge({
  name: 'identity_outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest pending outbox message (0 when none)',
  registers: [registry],
  async collect() {
    const backlog = await outboxBacklog();
    if (backlog) this.set(backlog.oldestPendingSeconds);
  },
});

/** Records every response under its route pattern (never the raw URL, to bound label cardinality). */
export function installMetrics(fastify: FastifyInstance): void {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: registry });
    defaultsCollected = true;
  }
  installTracing(fastify);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = String(reply.statusCode);
    requests.inc({ method: request.method, route, status });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (route.startsWith('/scim/v2/')) {
      const resource = SCIM_ROUTE.exec(route)?.[1] ?? 'unknown';
      scimOperations.inc({ resource, method: request.method, status });
    }
    done();
  });
}

@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Public()
  @Header('content-type', registry.contentType)
  metrics(): Promise<string> {
    return registry.metrics();
  }
}
