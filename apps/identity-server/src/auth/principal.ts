import type { BuiltInRoleKey } from '#policy';

/** Who is calling. Resolved once per request by the AuthGuard. */
export type Principal =
  | { kind: 'operator'; id: 'platform' }
  | { kind: 'api_key'; id: string; tenantId: string; role: BuiltInRoleKey; name: string };

/** What the audit trail records about a request besides the principal. */
export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface Actor {
  type: string;
  id: string;
}

export function actorOf(principal: Principal): Actor {
  return { type: principal.kind, id: principal.id };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The tenant named by the route's :tenantId, after it was checked to exist and be visible. */
    tenantId?: string;
  }
}
