import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
} from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Manual OpenTelemetry spans through `@opentelemetry/api` only. Without a registered SDK (the
 * default: see telemetry.ts) every call here is the API's no-op, and the HTTP and SQL hooks are
 * not even installed, so tracing that is off costs nothing measurable.
 */
export const tracer = trace.getTracer('identity-server');

let enabled = false;

/** Set once by telemetry.ts after it registered the SDK. */
export function markTracingEnabled(): void {
  enabled = true;
}

export function tracingEnabled(): boolean {
  return enabled;
}

/** The trace id of the active span, for log lines; undefined when tracing is off. */
export function activeTraceId(request: FastifyRequest): string | undefined {
  if (!enabled) return undefined;
  return spans.get(request)?.span.spanContext().traceId;
}

const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context; ended: boolean }>();

/**
 * One SERVER span per request, a child of the caller's `traceparent` when it sends one, named by
 * method and route pattern (never the raw URL: ids and query strings stay out). The span is made
 * the active context for the hooks and the handler, so SQL spans become its children.
 */
export function installTracing(fastify: FastifyInstance): void {
  if (!enabled) return;
  fastify.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const span = tracer.startSpan(
      `${request.method}`,
      {
        kind: SpanKind.SERVER,
        attributes: { 'http.request.method': request.method },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    spans.set(request, { span, ctx, ended: false });
    context.with(ctx, done);
  });
  // Body parsing runs in the socket's callbacks, outside the context set above: enter it again
  // right before the handler (Nest's guards, pipes and controller run inside it).
  fastify.addHook('preHandler', (request, _reply, done) => {
    const entry = spans.get(request);
    if (entry) context.with(entry.ctx, done);
    else done();
  });
  const finish = (request: FastifyRequest, status: number | undefined) => {
    const entry = spans.get(request);
    if (!entry || entry.ended) return;
    entry.ended = true;
    const route = request.routeOptions.url;
    const { span } = entry;
    if (route) {
      span.updateName(`${request.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    if (status !== undefined) {
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    } else {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'request aborted' });
    }
    span.end();
  };
  fastify.addHook('onResponse', (request, reply, done) => {
    finish(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    finish(request, undefined);
    done();
  });
}

/**
 * Runs `work` in a new root span (background work such as outbox delivery, not a child of the
 * request that happened to trigger it). A no-op span when tracing is off.
 */
export async function inRootSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  if (!enabled) return work(trace.wrapSpanContext(INVALID));
  return tracer.startActiveSpan(
    name,
    { root: true, kind: SpanKind.INTERNAL, attributes },
    async (span) => {
      try {
        return await work(span);
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

/** Runs `work` outside any active span, e.g. background work that a request only triggered. */
export function outsideTrace<T>(work: () => T): T {
  return enabled ? context.with(ROOT_CONTEXT, work) : work();
}

const INVALID = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };
