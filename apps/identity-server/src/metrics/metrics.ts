import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { Public } from '../common/decorators.js';

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
  name: 'auth_sign_ins_total',
  help: 'Sign-ins by method and result (success, failure, locked, mfa_required)',
  labelNames: ['method', 'result'] as const,
  registers: [registry],
});

/** A key reaching its attempt limit: account, ip, password (change) or mfa. */
export const lockouts = new Counter({
  name: 'auth_lockouts_total',
  help: 'Attempt limits reached, by kind of key (account, ip, password, mfa)',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Second-factor checks: required (asked for), success, failure, locked (refused unchecked). */
export const mfaChallenges = new Counter({
  name: 'auth_mfa_challenges_total',
  help: 'Second-factor challenges by result (required, success, failure, locked)',
  labelNames: ['result'] as const,
  registers: [registry],
});

/** Requests refused by a rate limit, by the limit's name (a fixed, small set). */
export const rateLimitRefusals = new Counter({
  name: 'rate_limit_refusals_total',
  help: 'Requests refused with 429 by a rate limit, by limit',
  labelNames: ['limit'] as const,
  registers: [registry],
});

/** Records every response under its route pattern (never the raw URL, to bound label cardinality). */
export function installMetrics(fastify: FastifyInstance): void {
  if (!defaultsCollected) {
    collectDefaultMetrics({ register: registry });
    defaultsCollected = true;
  }
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    durations.observe({ method: request.method, route }, reply.elapsedTime / 1000);
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
