import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { DomainException, ErrorCode, FieldError, ProblemDetails, problemFor } from './errors.js';

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: ErrorCode.MalformedJson,
  FST_ERR_CTP_EMPTY_JSON_BODY: ErrorCode.MalformedJson,
  FST_ERR_CTP_BODY_TOO_LARGE: ErrorCode.PayloadTooLarge,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ErrorCode.UnsupportedMediaType,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ErrorCode.ValidationFailed,
  FST_ERR_MAX_PARAM_LENGTH: ErrorCode.UriTooLong,
  FST_ERR_BAD_URL: ErrorCode.MalformedUrl,
};

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.ValidationFailed,
  401: ErrorCode.Unauthenticated,
  403: ErrorCode.PermissionDenied,
  404: ErrorCode.RouteNotFound,
  405: ErrorCode.MethodNotAllowed,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  503: ErrorCode.ServiceUnavailable,
};

const logger = new Logger('Errors');

/**
 * Turns anything thrown into an RFC 9457 problem. Unknown errors become a 500 that carries only
 * an error id; the error itself goes to the log under that id.
 */
export function toProblem(error: unknown, requestId?: string): ProblemDetails {
  if (error instanceof DomainException) {
    return { ...problemFor(error.code, error.detail, error.errors), status: error.status };
  }
  // Fastify's own errors (body parsing, size limit) may arrive bare or wrapped by Nest.
  const fastifyError = error instanceof HttpException && error.cause ? error.cause : error;
  const fastifyCode = (fastifyError as { code?: unknown } | null)?.code;
  if (typeof fastifyCode === 'string' && fastifyCode in FASTIFY_CODES) {
    const code = FASTIFY_CODES[fastifyCode] as ErrorCode;
    return problemFor(code, plainFastifyMessage(code, fastifyError));
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const code = STATUS_CODES[status];
    if (code) {
      const detail =
        code === ErrorCode.RouteNotFound ? 'No route matches this method and path' : error.message;
      return { ...problemFor(code, detail), status };
    }
  }
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const code = STATUS_CODES[statusCode] ?? ErrorCode.ValidationFailed;
    return { ...problemFor(code, (error as Error).message), status: statusCode };
  }
  const errorId = randomUUID();
  logger.error(
    {
      errorId,
      requestId,
      err:
        error instanceof Error
          ? { message: error.message, stack: error.stack, name: error.name }
          : error,
    },
    `unexpected error ${errorId}`,
  );
  return {
    ...problemFor(ErrorCode.InternalError, `An unexpected error occurred (error id ${errorId})`),
    errorId,
  };
}

const FASTIFY_MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.PayloadTooLarge]: 'The request body exceeds the 1 MB limit',
  [ErrorCode.MalformedJson]: 'The request body is not valid JSON',
  [ErrorCode.UnsupportedMediaType]: 'Send JSON with Content-Type: application/json',
};

function plainFastifyMessage(code: ErrorCode, error: unknown): string {
  return FASTIFY_MESSAGES[code] ?? (error instanceof Error ? error.message : 'Bad request');
}

export function sendProblem(
  reply: FastifyReply,
  problem: ProblemDetails,
  request?: FastifyRequest,
): void {
  const body = request ? { ...problem, instance: request.url.split('?')[0] } : problem;
  void reply
    .status(problem.status)
    .header('content-type', 'application/problem+json; charset=utf-8')
    .send(body);
}

/**
 * A transport that answers errors in its own format on its own paths, whatever was thrown there
 * (SCIM clients read RFC 7644 error bodies, including for unknown routes and unparsable bodies).
 * The feature defines it and the app module hands it to the filter, so common knows no feature.
 */
export interface ErrorRenderer {
  matches(url: string): boolean;
  send(reply: FastifyReply, error: unknown, request: FastifyRequest): void;
  /** The answer without a reply, for errors written to the socket (see client-errors.ts). */
  answer(error: unknown): { status: number; contentType: string; body: unknown };
}

@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly renderers: readonly ErrorRenderer[] = []) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const renderer = this.renderers.find((r) => r.matches(request.url));
    if (renderer) return renderer.send(reply, exception, request);
    if (exception instanceof DomainException && exception.headers)
      void reply.headers(exception.headers);
    sendProblem(reply, toProblem(exception, request.id), request);
  }
}

export function fieldErrors(errors: FieldError[]): DomainException {
  return new DomainException(ErrorCode.ValidationFailed, 'Some fields are not valid', errors);
}
