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
import type { AppConfig } from './config/config.js';
import { installMetrics } from './metrics/metrics.js';
import { activeTraceId } from './metrics/tracing.js';
import { canonicalScimUrl, isScimPath } from './scim/index.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
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
    // Errors fastify raises before routing (over-long or malformed URLs) answer problems too.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) =>
      sendProblem(reply, toProblem(error, String(request.id)), request),
    forceCloseConnections: 'idle',
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config, databaseUrl),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
  app.useGlobalPipes(createValidationPipe());

  const fastify = app.getHttpAdapter().getInstance();
  // JSON only: other bodies are 415 rather than strings that fail validation.
  fastify.removeContentTypeParser('text/plain');
  // SCIM bodies may be application/scim+json (RFC 7644 §3.1); the admin API answers 415 to it.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.addContentTypeParser(
    'application/scim+json',
    { parseAs: 'string' },
    (request: FastifyRequest, body: string | Buffer, done) => {
      if (!isScimPath(request.url)) {
        done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE('application/scim+json'), undefined);
        return;
      }
      void parseJson(request, body.toString(), done);
    },
  );
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
  // While shutting down, answer what is in flight and close each connection after its response,
  // so that keep-alive clients do not hold the drain open.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
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
    });
  }

  await app.init();
  return { app, logger };
}
