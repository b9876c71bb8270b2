import type { Policy } from '#policy';
import { DomainException, ErrorCode } from './errors.js';

/** Who is calling. Resolved once per request by the AuthGuard. */
export type Principal =
  | { kind: 'operator'; id: 'platform' }
  | { kind: 'api_key'; id: string; tenantId: string; role: string; name: string }
  | {
      kind: 'user';
      /** The account. */
      id: string;
      /** Set when signed in with an access token. */
      sessionId: string | null;
      /** When that session began (ms), for tenants that bound session life. */
      sessionCreatedAt: number | null;
      /** How that session signed in (invitations may demand a provider). */
      signInMethod: string | null;
      /** The identity that session signed in with (null for a password or a personal key). */
      identityId: string | null;
      /** Its Entra directory (tid) for Microsoft, the connection's tenant for OIDC. */
      signInDirectory: string | null;
      /** Set when the request carries a personal API key (which acts as its owner). */
      personalKeyId: string | null;
      mfaVerified: boolean;
    };

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
  return { type: principal.kind === 'user' ? 'account' : principal.kind, id: principal.id };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** The tenant named by the route's :tenantId, after it was checked to exist and be visible. */
    tenantId?: string;
    /** A signed-in person's membership of that tenant. */
    membership?: { id: string; role: string };
    /** The caller's compiled policy in that tenant (members and tenant keys). */
    policy?: Policy;
    /** Let through only as a possible team lead: the service checks the lead before acting. */
    teamLeadOnly?: boolean;
  }
}

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;

/** Credential and factor changes need a real sign-in, not a personal API key. */
export function requireSession(
  user: UserPrincipal,
): asserts user is UserPrincipal & { sessionId: string } {
  if (!user.sessionId) {
    throw new DomainException(
      ErrorCode.SessionRequired,
      'Sign in with your password for this; a personal API key cannot do it',
    );
  }
}
