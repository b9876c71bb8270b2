import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Policy } from '#policy';
import { requestMeta } from './decorators.js';
import type { Principal, RequestMeta } from './principal.js';

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

/** `@Ctx() ctx: RequestContext`: the request's context; fails loudly on a @Public() route. */
export const Ctx = createParamDecorator((_: unknown, ctx: ExecutionContext): RequestContext =>
  requestContextOf(ctx.switchToHttp().getRequest<FastifyRequest>()),
);
