import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Policy } from '#policy';
import { requestMeta } from './decorators.js';
import { DomainException, ErrorCode } from './errors.js';
import type { Principal, RequestMeta, UserPrincipal } from './principal.js';

/**
 * Everything the guards established about a request, in one typed value: who is calling, the
 * tenant its route names (null on routes without :tenantId), the caller's membership and compiled
 * policy there, and what the audit trail records. Replaces reading four ad-hoc request fields.
 */
export interface RequestContext {
  principal: Principal;
  tenantId: string | null;
  /** A signed-in person's membership of that tenant. */
  membership: { id: string; role: string } | null;
  /** The caller's compiled policy in that tenant (members and tenant keys). */
  policy: Policy | null;
  /** Let through only as a possible team lead: the service checks the lead before acting. */
  teamLeadOnly: boolean;
  meta: RequestMeta;
}

/**
 * The context of a /tenants/:tenantId route: the guard checked the tenant, so services that act
 * on tenant data take this type and cannot be called without one.
 */
export type TenantContext = RequestContext & { tenantId: string };

/** The context of a @SignedIn() route: the caller is a person. */
export type UserContext = RequestContext & { principal: UserPrincipal };

export function requestContextOf(request: FastifyRequest): RequestContext {
  const principal = request.principal;
  if (!principal) throw new Error('RequestContext read on a route without authentication');
  return {
    principal,
    tenantId: request.tenantId ?? null,
    membership: request.membership ?? null,
    policy: request.policy ?? null,
    teamLeadOnly: request.teamLeadOnly ?? false,
    meta: requestMeta(request),
  };
}

/**
 * Only a route whose :tenantId the guard checked has a tenant. Used on any other route it is a
 * wiring mistake; it is refused as if the tenant did not exist (deny, never a 500), and the route
 * list test keeps every @TenantCtx() on a :tenantId route.
 */
export function tenantContextOf(request: FastifyRequest): TenantContext {
  const ctx = requestContextOf(request);
  const { tenantId } = ctx;
  if (tenantId === null)
    throw new DomainException(ErrorCode.TenantNotFound, 'This route names no checked tenant');
  return { ...ctx, tenantId };
}

/** A person's context; anyone else is refused as the @SignedIn() guard would refuse them. */
export function userContextOf(request: FastifyRequest): UserContext {
  const ctx = requestContextOf(request);
  const { principal } = ctx;
  if (principal.kind !== 'user') throw new DomainException(ErrorCode.SignInRequired);
  return { ...ctx, principal };
}

/** `@Ctx() ctx: RequestContext`: the request's context; fails loudly on a @Public() route. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** Handler metadata: which narrowed context a handler reads, for the route list test to check. */
export const READS_CONTEXT = 'ctx:reads';

function marks(kind: 'tenant' | 'user'): ParameterDecorator {
  return (target, key) => {
    if (key !== undefined) Reflect.defineMetadata(READS_CONTEXT, kind, target, key);
  };
}

/** `@TenantCtx() ctx: TenantContext`: the context of a /tenants/:tenantId route. */
export const TenantCtx = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): TenantContext =>
    tenantContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
  [marks('tenant')],
);

/** `@UserCtx() ctx: UserContext`: the context of a @SignedIn() route. */
export const UserCtx = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): UserContext =>
    userContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
  [marks('user')],
);

/** The role the caller hands out roles with: a custom role never grants a role above itself. */
export function granterRole({
  principal,
  membership,
}: Pick<RequestContext, 'principal' | 'membership'>): string {
  if (principal.kind === 'operator') return 'admin';
  if (principal.kind === 'api_key') return principal.role;
  return membership?.role ?? 'guest';
}
