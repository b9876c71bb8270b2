import {
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Principal, RequestMeta } from './principal.js';
import { ApiPublic } from './openapi.js';

export const IS_PUBLIC = 'auth:public';
export const PERMISSION = 'auth:permission';
export const OPERATOR_ONLY = 'auth:operator';
export const AUTHENTICATED = 'auth:authenticated';
export const SIGNED_IN = 'auth:signed-in';

export interface RequiredPermission {
  action: string;
  subject: string;
  /**
   * Also let through a member whose role lacks the permission when they lead a team: the
   * handler's service must then check that they lead the team named in the route (or one above
   * it) inside its transaction (request.teamLeadOnly says so).
   */
  orTeamLead?: boolean;
}

/** What a route declares about its callers, by precedence: the first of these it carries. */
export type RouteAccess =
  | { kind: 'public' }
  | { kind: 'operator' }
  | { kind: 'permission'; permission: RequiredPermission }
  | { kind: 'signed-in' }
  | { kind: 'authenticated' }
  | { kind: 'none' };

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- keyed by class, then handler
const routeAccessByRoute = new WeakMap<Function, WeakMap<Function, RouteAccess>>();

/**
 * The route's declaration, read from its metadata once per controller class and handler (a
 * handler a subclass inherits may be declared otherwise there): the global guards ask on every
 * request, and reading decorator metadata is a measurable share of a cheap request.
 */
export function routeAccess(reflector: Reflector, context: ExecutionContext): RouteAccess {
  const handler = context.getHandler();
  const controller = context.getClass();
  let byHandler = routeAccessByRoute.get(controller);
  if (!byHandler) {
    byHandler = new WeakMap();
    routeAccessByRoute.set(controller, byHandler);
  }
  let access = byHandler.get(handler);
  if (!access) {
    access = declaredAccess(reflector, handler, controller);
    byHandler.set(handler, access);
  }
  return access;
}

/**
 * What the handler's decorators declare, else its controller's, by precedence. The guards read it
 * through routeAccess; the route list test reads it here, so the list shows what is enforced.
 */
export function declaredAccess(
  reflector: Reflector,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a route handler
  handler: Function,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- its controller class
  controller: Function,
): RouteAccess {
  const targets = [handler, controller];
  const read = <T>(key: string) => reflector.getAllAndOverride<T | undefined>(key, targets);
  const permission = read<RequiredPermission>(PERMISSION);
  if (read<boolean>(IS_PUBLIC)) return { kind: 'public' };
  if (read<boolean>(OPERATOR_ONLY)) return { kind: 'operator' };
  if (permission) return { kind: 'permission', permission };
  if (read<boolean>(SIGNED_IN)) return { kind: 'signed-in' };
  if (read<boolean>(AUTHENTICATED)) return { kind: 'authenticated' };
  return { kind: 'none' };
}

/** The route needs no credential. Every other route is authenticated by the global guard. */
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiPublic());

/** The route's one permission, checked by the global guard against the caller's policy. */
export const Permission = (
  action: string,
  subject: string,
  options: { orTeamLead?: boolean } = {},
) =>
  applyDecorators(
    SetMetadata(PERMISSION, { action, subject, ...options } satisfies RequiredPermission),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credential' }),
    ApiForbiddenResponse({
      description: `Requires ${action} on ${subject}${options.orTeamLead ? ', or leading the team' : ''}`,
    }),
  );

/** Only the platform operator key may call the route. */
export const OperatorOnly = () =>
  applyDecorators(
    SetMetadata(OPERATOR_ONLY, true),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credential' }),
    ApiForbiddenResponse({ description: 'Platform operator only' }),
  );

/** Any valid credential may call the route; the handler narrows what it returns. */
export const Authenticated = () =>
  applyDecorators(
    SetMetadata(AUTHENTICATED, true),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credential' }),
  );

/** Only a signed-in person (access token or personal API key) may call the route. */
export const SignedIn = () =>
  applyDecorators(
    SetMetadata(SIGNED_IN, true),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing or invalid credential' }),
  );

/** The authenticated principal; throws if a route reads it without authentication. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => {
    const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
    if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
    return principal;
  },
);

/** The tenant of a /tenants/:tenantId route, checked by the guard; fails loudly if missing. */
export const TenantId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const tenantId = ctx.switchToHttp().getRequest<FastifyRequest>().tenantId;
  if (!tenantId) throw new Error('TenantId used on a route without a checked :tenantId');
  return tenantId;
});

export function requestMeta(request: FastifyRequest): RequestMeta {
  const ua = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof ua === 'string' ? ua.slice(0, 512) : null,
    requestId: String(request.id).slice(0, 128),
  };
}

export const Meta = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestMeta =>
  requestMeta(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
