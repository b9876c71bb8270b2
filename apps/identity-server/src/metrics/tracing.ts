import type * as OtelApi from '@opentelemetry/api';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

/**
 * Manual OpenTelemetry spans. Tracing is off by default (see telemetry.ts): then no SDK module
 * is loaded, the HTTP and SQL hooks are not installed, and the helpers here run their work
 * directly (this module does not even import `@opentelemetry/api` until tracing starts).
 */
let otel: { api: typeof OtelApi; tracer: Tracer } | null = null;

/** Called once by telemetry.ts after it registered the SDK. */
export function enableTracing(api: typeof OtelApi): Tracer {
  const tracer = api.trace.getTracer('identity-server');
  otel = { api, tracer };
  return tracer;
}

export function tracingEnabled(): boolean {
  return otel !== null;
}

/** What background work may record on its span; a no-op when tracing is off. */
export interface SpanAttributes {
  setAttribute(key: string, value: string | number): unknown;
}
const NO_SPAN: SpanAttributes = { setAttribute: () => undefined };

/** The trace id of the active span, for log lines; undefined when tracing is off. */
export function activeTraceId(request: FastifyRequest): string | undefined {
  if (!otel) return undefined;
  return spans.get(request)?.span.spanContext().traceId;
}

const spans = new WeakMap<FastifyRequest, { span: Span; ctx: Context; ended: boolean }>();

/**
 * One SERVER span per request, a child of the caller's `traceparent` when it sends one, named by
 * method and route pattern (never the raw URL: ids and query strings stay out). The span is made
 * the active context for the hooks and the handler, so SQL spans become its children.
 */
export function installTracing(fastify: FastifyInstance): void {
  if (!otel) return;
  const { tracer } = otel;
  const { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } = otel.api;
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
 * request that happened to trigger it).
 */
export async function inRootSpan<T>(
  name: string,
  attributes: Record<string, string | number>,
  work: (span: SpanAttributes) => Promise<T>,
): Promise<T> {
  if (!otel) return work(NO_SPAN);
  const { SpanKind, SpanStatusCode } = otel.api;
  return otel.tracer.startActiveSpan(
    name,
    { root: true, kind: SpanKind.INTERNAL, attributes },
    async (span: Span) => {
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
  return otel ? otel.api.context.with(otel.api.ROOT_CONTEXT, work) : work();
}
