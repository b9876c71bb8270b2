import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  errorCodes,
  LogController,
  type FastifyError,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import type { Logger as Pino } from 'pino';
import { AppModule } from './app.module.js';
import { createRootLogger, PinoNestLogger } from './common/logger.js';
import { finishDocument, ProblemDto } from './common/openapi.js';
import { createValidationPipe } from './common/validation.js';
import { sendProblem, toProblem } from './common/problem.filter.js';
import { DomainException, ErrorCode } from './common/errors.js';
import { createClientErrorHandler } from './common/client-errors.js';
import { serveConsole } from './common/console-assets.js';
import {
  bodyTooDeep,
  forbiddenKeyIn,
  forbiddenQueryKey,
  hasPrototypeKey,
  jsonDepthExceeds,
  parsePlainJson,
} from './common/json-body.js';
import { NO_STORE, securityHeaders } from './common/security-headers.js';
import { badStrings, invalidStrings } from './common/strings.js';
import type { AppConfig } from './config/config.js';
import { installMetrics } from './metrics/metrics.js';
import { activeTraceId } from './metrics/tracing.js';
import { canonicalScimUrl, isScimPath, scimErrorRenderer } from './scim/index.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
type ParserDone = (error: Error | null, body?: unknown) => void;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const AUTHZEN_PATH = /^\/api\/v1\/tenants\/[^/?]+\/access\/v1\//;
const USER_AGENT_LOG_CHARS = 200;

export interface CreatedApp {
  app: NestFastifyApplication;
  logger: Pino;
}

/** Builds the configured application without listening; used by main.ts and the e2e tests. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  logger: Pino = createRootLogger(config.logLevel),
): Promise<CreatedApp> {
  const edgeHeaders = securityHeaders(config.publicUrl);
  // Every answer carries the security headers; the handler's own Cache-Control is kept (the
  // public JWKS, the static files of /docs), and any other answer is not stored.
  const edgeHeaderObject = Object.fromEntries(edgeHeaders);
  const withEdgeHeaders = (reply: FastifyReply): void => {
    void reply.headers(edgeHeaderObject);
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', NO_STORE);
  };
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // Fastify's two lines per request are replaced by the one below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustedProxies.length > 0 ? config.trustedProxies : false,
    requestIdHeader: false,
    genReqId: (req: IncomingMessage) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    routerOptions: { maxParamLength: 256 },
    // SCIM clients write `/users` and `/Users/?filter=…`; the admin API keeps its exact paths.
    rewriteUrl: (req: IncomingMessage) => {
      const url = req.url ?? '/';
      return isScimPath(url) ? canonicalScimUrl(url) : url;
    },
    // Errors fastify raises before routing (over-long or malformed URLs) answer problems too,
    // or SCIM error bodies on SCIM paths.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      withEdgeHeaders(reply);
      if (scimErrorRenderer.matches(request.url)) scimErrorRenderer.send(reply, error, request);
      else sendProblem(reply, toProblem(error, String(request.id)), request);
    },
    // What Node's HTTP parser refuses (431 headers over 16 KB, 400 unparsable requests, 408).
    clientErrorHandler: createClientErrorHandler({
      headers: edgeHeaders,
      renderers: [scimErrorRenderer],
    }),
    // `__proto__` and `constructor.prototype` keys in a body are refused (forbidden_key), not
    // silently removed: a client sending them is wrong or probing. Any other `constructor` or
    // `prototype` key is refused by the validation pipe (common/validation.ts).
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    forceCloseConnections: 'idle',
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, databaseUrl),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
      // The body parsers are the ones below: JSON only (no form-encoded bodies), depth-limited.
      bodyParser: false,
    },
  );
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: any other body (form-encoded, multipart, text) is 415 unsupported_media_type,
  // and so is a body sent without a Content-Type.
  fastify.removeAllContentTypeParsers();
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // The nesting depth is checked on the raw text, before JSON.parse and before the validation
  // pipe's transformer could recurse into it.
  const parseJsonBody = (request: FastifyRequest, body: string | Buffer, done: ParserDone) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text)) {
      done(bodyTooDeep(), undefined);
      return;
    }
    const plain = parsePlainJson(text);
    if (plain) {
      done(null, plain.value);
      return;
    }
    void parseJson(request, text, (error: Error | null, value?: unknown) => {
      if (error) {
        done(forbiddenKeyIn(text) ?? error, undefined);
        return;
      }
      // NUL and unpaired surrogates are refused before any pipe, guard or handler sees them, at
      // any depth, keys included. JSON can only carry them as a \u escape (raw control
      // characters are invalid JSON; invalid UTF-8 decodes to U+FFFD): without one, no walk.
      const errors = text.includes('\\u') ? badStrings(value) : [];
      if (errors.length > 0) done(invalidStrings(errors), undefined);
      else done(null, value);
    });
  };
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, parseJsonBody);
  // SCIM bodies may be application/scim+json (RFC 7644 §3.1); the admin API answers 415 to it.
  fastify.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    (request: FastifyRequest, body: string | Buffer, done: ParserDone) => {
      if (!isScimPath(request.url)) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/scim+json'), undefined);
        return;
      }
      parseJsonBody(request, body, done);
    },
  );
  // The AuthZEN API answers 400 to a body that is not JSON (its specification's binding takes
  // only application/json); everywhere else such a body stays 415.
  fastify.addContentTypeParser(
    '*',
    (request: FastifyRequest, _payload: unknown, done: ParserDone) => {
      if (AUTHZEN_PATH.test(request.url))
        done(
          new DomainException(
            ErrorCode.MalformedJson,
            'The AuthZEN API takes a JSON object: send it with Content-Type: application/json',
          ),
          undefined,
        );
      else
        done(
          new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(String(request.headers['content-type'])),
          undefined,
        );
    },
  );
  // The resource import reads NDJSON as a stream, line by line (resources/resource-import.ts):
  // the body is handed over unread, so its size is bounded by the import's caps, not bodyLimit.
  fastify.addContentTypeParser(
    'application/x-ndjson',
    (request: FastifyRequest, payload: unknown, done: ParserDone) => {
      if (!/^\/api\/v1\/tenants\/[^/]+\/resources\/import(\?|$)/.test(request.url)) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/x-ndjson'), undefined);
        return;
      }
      done(null, payload);
    },
  );
  // `?__proto__=` and `?constructor=` are refused like those keys in a body (class-transformer
  // would otherwise skip them silently), and NUL and unpaired surrogates in the query and the path
  // parameters, on every route (the body's are refused by its parser, above). In onRequest, which
  // has hooks anyway: a stage of its own would cost every request.
  fastify.addHook('onRequest', (request, _reply, done) => {
    if (hasPrototypeKey(request.query)) {
      done(forbiddenQueryKey());
      return;
    }
    const errors = [...badStrings(request.params), ...badStrings(request.query)];
    if (errors.length > 0) done(invalidStrings(errors));
    else done();
  });
  // SCIM clients send DELETEs with a Content-Type and no body: there is nothing to parse.
  fastify.addHook('onRequest', (request, _reply, done) => {
    const length = request.headers['content-length'];
    if (
      isScimPath(request.url) &&
      request.headers['transfer-encoding'] === undefined &&
      (length === undefined || length === '0')
    )
      delete request.headers['content-type'];
    done();
  });
  installMetrics(fastify);
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
  // The admin console, from the same origin (after the onRequest hooks above: its pages are
  // answered in that stage).
  if (!serveConsole(app, config.consoleDir))
    logger.info({ consoleDir: config.consoleDir }, 'admin console not built: run npm run build');
  // While shutting down, answer what is in flight and close each connection after its response,
  // so that keep-alive clients do not hold the drain open.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    withEdgeHeaders(reply);
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  // One line per request, after the response: what happened, in plain fields, never a secret
  // (the route pattern, not the URL: no query string, no token in a path).
  fastify.addHook('onResponse', (request, reply, done) => {
    const agent = request.headers['user-agent'];
    const line = {
      reqId: request.id,
      method: request.method,
      route: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      principal: request.principal
        ? `${request.principal.kind}:${request.principal.id}`
        : undefined,
      // The tenant a guard checked (or the SCIM token's); never an unchecked path segment.
      tenantId: request.tenantId ?? (request as { scim?: { tenantId: string } }).scim?.tenantId,
      // request.ip honours TRUSTED_PROXIES (X-Forwarded-For only from those).
      ip: request.ip,
      userAgent: typeof agent === 'string' ? agent.slice(0, USER_AGENT_LOG_CHARS) : undefined,
      traceId: activeTraceId(request),
    };
    if (reply.statusCode >= 500) logger.error(line, 'request failed');
    else logger.info(line, 'request');
    done();
  });

  if (config.docsEnabled) {
    const document = SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Identity server admin API')
        .setDescription(
          'Tenants, members, roles, access rules and policy decisions. Errors are RFC 9457 problem+json.',
        )
        .setVersion('1')
        .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
        .addServer('/')
        .addBearerAuth()
        .build(),
      { extraModels: [ProblemDto] },
    );
    SwaggerModule.setup('docs', app, finishDocument(document), {
      jsonDocumentUrl: 'openapi.json',
      raw: ['json'],
      // No badge fetched from validator.swagger.io: the CSP allows images from 'self' only.
      swaggerOptions: { validatorUrl: null },
    });
  }

  await app.init();
  return { app, logger };
}
