import type { FastifyReply, FastifyRequest } from 'fastify';
import { SCHEMAS, ScimError, type ScimType } from '#scim';
import { DomainException, ErrorCode } from '../common/errors.js';
import { toProblem, type ErrorRenderer } from '../common/problem.filter.js';

export const SCIM_BASE_PATH = '/scim/v2';
export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

export function isScimPath(url: string): boolean {
  return (
    url === SCIM_BASE_PATH ||
    url.startsWith(`${SCIM_BASE_PATH}/`) ||
    url.startsWith(`${SCIM_BASE_PATH}?`)
  );
}

/** How domain errors raised by shared code (guardrails, body parsing) read to a SCIM client. */
const DOMAIN_TO_SCIM: Partial<Record<ErrorCode, { status: number; scimType?: ScimType }>> = {
  // The member's current state forbids the change (RFC 7644 §3.12 "mutability").
  [ErrorCode.LastAdmin]: { status: 400, scimType: 'mutability' },
  // Not a conflict with an existing resource: 409 would make Entra ID and Okta report the user as
  // already existing. 403 "operation not permitted" carries the detail to their logs as it is.
  [ErrorCode.SeatLimitReached]: { status: 403 },
  // A userName or group name taken (RFC 7644 §3.3), raised by the lifecycles of members and teams.
  [ErrorCode.InviteConflict]: { status: 409, scimType: 'uniqueness' },
  [ErrorCode.TeamNameTaken]: { status: 409, scimType: 'uniqueness' },
  // Removed members are gone as far as SCIM can tell.
  [ErrorCode.MemberRemoved]: { status: 404 },
  [ErrorCode.MalformedJson]: { status: 400, scimType: 'invalidSyntax' },
  [ErrorCode.ValidationFailed]: { status: 400, scimType: 'invalidValue' },
  [ErrorCode.MalformedUrl]: { status: 400, scimType: 'invalidSyntax' },
  [ErrorCode.MalformedRequest]: { status: 400, scimType: 'invalidSyntax' },
  [ErrorCode.BodyTooDeep]: { status: 400, scimType: 'invalidSyntax' },
  [ErrorCode.ForbiddenKey]: { status: 400, scimType: 'invalidSyntax' },
  // NUL and unpaired surrogates in a body, the query or the path (common/strings.ts).
  [ErrorCode.InvalidString]: { status: 400, scimType: 'invalidValue' },
};

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: ScimType;
  detail: string;
}

/** Anything thrown while serving /scim/v2, as the RFC 7644 §3.12 error body and its status. */
export function scimErrorOf(
  error: unknown,
  requestId?: string,
): { status: number; body: ScimErrorBody } {
  if (error instanceof ScimError) return { status: error.status, body: error.toBody() };
  // Fastify's and Nest's own errors, domain errors and unexpected ones (logged with an id).
  const problem = toProblem(error, requestId);
  const mapped =
    error instanceof DomainException
      ? DOMAIN_TO_SCIM[error.code]
      : DOMAIN_TO_SCIM[problem.code as ErrorCode];
  const status = mapped?.status ?? problem.status;
  const detail =
    problem.code === (ErrorCode.RouteNotFound as string)
      ? 'No SCIM endpoint matches this method and path'
      : problem.detail;
  return {
    status,
    body: {
      schemas: [SCHEMAS.error],
      status: String(status),
      ...(mapped?.scimType ? { scimType: mapped.scimType } : {}),
      detail,
    },
  };
}

export function sendScimError(reply: FastifyReply, error: unknown, request: FastifyRequest): void {
  const { status, body } = scimErrorOf(error, String(request.id));
  if (status === 401) void reply.header('www-authenticate', 'Bearer realm="SCIM"');
  if (error instanceof DomainException && error.headers) void reply.headers(error.headers);
  void reply.status(status).header('content-type', SCIM_CONTENT_TYPE).send(body);
}

/**
 * Plugged into the global ProblemFilter by the app module, and into the app's handlers of errors
 * raised before routing (bad URLs, over-long ids, the HTTP parser's refusals): /scim/v2 answers
 * RFC 7644 errors.
 */
export const scimErrorRenderer: ErrorRenderer = {
  matches: isScimPath,
  send: sendScimError,
  answer: (error) => ({ ...scimErrorOf(error), contentType: SCIM_CONTENT_TYPE }),
};

const ENDPOINTS = new Map(
  [
    'Users',
    'Groups',
    'ServiceProviderConfig',
    'serviceConfiguration',
    'ResourceTypes',
    'Schemas',
  ].map((name) => [name.toLowerCase(), name]),
);

/**
 * The URL as routed: endpoint names in their RFC 7644 spelling whatever the case a client uses
 * (`/scim/v2/users`), and no trailing slash (`/Users/?filter=…`). The query is left as it is.
 */
export function canonicalScimUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const segments = path
    .slice(SCIM_BASE_PATH.length + 1)
    .replace(/\/+$/, '')
    .split('/');
  const endpoint = ENDPOINTS.get((segments[0] ?? '').toLowerCase());
  if (endpoint) segments[0] = endpoint;
  const canonical = `${SCIM_BASE_PATH}${segments[0] ? `/${segments.join('/')}` : ''}`;
  return canonical + (queryAt === -1 ? '' : url.slice(queryAt));
}
