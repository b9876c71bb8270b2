import type * as OtelApi from '@opentelemetry/api';
import type { Tracer } from '@opentelemetry/api';
import { enableTracing } from './tracing.js';

/**
 * OpenTelemetry traces, configured by the standard `OTEL_*` variables and off by default. Tracing
 * starts when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) or
 * OTEL_TRACES_EXPORTER (`otlp` or `console`) is set, or OTEL_SDK_DISABLED=false; never when
 * OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none. Only then are the SDK modules imported.
 * Spans: one per HTTP request (W3C `traceparent` honoured), one per SQL statement, one per
 * outbox delivery. OTLP is sent over HTTP as JSON.
 */
export interface Telemetry {
  shutdown(): Promise<void>;
}

type Env = Record<string, string | undefined>;

export function tracingRequested(env: Env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  const exporters = exportersOf(env);
  return exporters.length > 0 && !exporters.includes('none');
}

function exportersOf(env: Env): string[] {
  const named = (env.OTEL_TRACES_EXPORTER ?? '')
    .split(',')
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean);
  if (named.length > 0) return named;
  const endpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT;
  return endpoint || env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'false' ? ['otlp'] : [];
}

/** Starts the SDK when the environment asks for traces; null (and nothing loaded) otherwise. */
export async function startTelemetry(
  env: Env,
  warn: (message: string) => void,
): Promise<Telemetry | null> {
  if (!tracingRequested(env)) return null;
  const [api, sdk, hooks, core, resources] = await Promise.all([
    import('@opentelemetry/api'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  const processors: InstanceType<typeof sdk.BatchSpanProcessor>[] = [];
  for (const name of exportersOf(env)) {
    if (name === 'otlp') {
      const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
      if (protocol && protocol !== 'http/json')
        warn(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol} is not supported: sending http/json`);
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      processors.push(
        new sdk.BatchSpanProcessor({ exporter: new OTLPTraceExporter(), ...batchOptions(env) }),
      );
    } else if (name === 'console') {
      processors.push(
        new sdk.BatchSpanProcessor({
          exporter: new sdk.ConsoleSpanExporter(),
          ...batchOptions(env),
        }),
      );
    } else {
      warn(`OTEL_TRACES_EXPORTER "${name}" is not supported (otlp, console, none): ignored`);
    }
  }
  if (processors.length === 0) return null;

  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'identity-server' }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.TracerProvider({
    resource,
    sampler: samplerOf(sdk, env, warn),
    spanProcessors: processors,
  });
  api.context.setGlobalContextManager(new hooks.AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(
    new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    }),
  );
  api.trace.setGlobalTracerProvider(provider);
  await traceSql(api, enableTracing(api));
  return {
    async shutdown() {
      await provider.shutdown().catch(() => undefined);
    },
  };
}

type Sdk = typeof import('@opentelemetry/sdk-trace');

/** The standard OTEL_BSP_* variables, which this SDK leaves to its caller. */
function batchOptions(env: Env) {
  const read = (name: string) => {
    const value = Number(env[name]);
    return env[name] && Number.isInteger(value) && value > 0 ? value : undefined;
  };
  return {
    scheduledDelayMillis: read('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: read('OTEL_BSP_EXPORT_TIMEOUT'),
    maxQueueSize: read('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: read('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  };
}

function samplerOf(sdk: Sdk, env: Env, warn: (message: string) => void) {
  const name = (env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on').trim().toLowerCase();
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG ?? '1');
  const ratio = Number.isFinite(arg) && arg >= 0 && arg <= 1 ? arg : 1;
  switch (name) {
    case 'always_on':
      return new sdk.AlwaysOnSampler();
    case 'always_off':
      return new sdk.AlwaysOffSampler();
    case 'traceidratio':
      return new sdk.TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new sdk.ParentBasedSampler({ root: new sdk.TraceIdRatioBasedSampler(ratio) });
    case 'parentbased_always_on':
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
    default:
      warn(`OTEL_TRACES_SAMPLER "${name}" is not supported: using parentbased_always_on`);
      return new sdk.ParentBasedSampler({ root: new sdk.AlwaysOnSampler() });
  }
}

type QueryFn = (...args: unknown[]) => unknown;

/**
 * A CLIENT span around every statement a pg client runs inside a traced operation (TypeORM's
 * pool included): the statement text with its placeholders, never the bound values.
 */
async function traceSql(api: typeof OtelApi, tracer: Tracer): Promise<void> {
  const { context, SpanKind, SpanStatusCode, trace } = api;
  const pg = (await import('pg')).default;
  const proto = pg.Client.prototype as unknown as { query: QueryFn };
  const original = proto.query;
  proto.query = function tracedQuery(this: unknown, ...args: unknown[]): unknown {
    const active = context.active();
    const first = args[0] as string | { text?: unknown; submit?: unknown } | undefined;
    const text = typeof first === 'string' ? first : first?.text;
    if (
      !trace.getSpan(active) ||
      typeof text !== 'string' ||
      (typeof first === 'object' && typeof first.submit === 'function')
    )
      return original.apply(this, args);
    const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
    const span = tracer.startSpan(
      `db ${operation}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'db.system.name': 'postgresql',
          'db.operation.name': operation,
          'db.query.text': text.length > 2000 ? `${text.slice(0, 2000)}…` : text,
        },
      },
      active,
    );
    const end = (error?: unknown) => {
      if (error) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : 'query failed',
        });
      }
      span.end();
    };
    const callback = args.findIndex((a) => typeof a === 'function');
    if (callback >= 0) {
      const cb = args[callback] as (error: unknown, result: unknown) => void;
      args[callback] = (error: unknown, result: unknown) => {
        end(error);
        cb(error, result);
      };
      return original.apply(this, args);
    }
    try {
      const result = original.apply(this, args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        return (result as Promise<unknown>).then(
          (value) => {
            end();
            return value;
          },
          (error: unknown) => {
            end(error);
            throw error;
          },
        );
      }
      end();
      return result;
    } catch (error) {
      end(error);
      throw error;
    }
  };
}
