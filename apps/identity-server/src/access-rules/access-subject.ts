import type { FastifyRequest } from 'fastify';
import type { AccessContext, AccessSubject } from '#policy';

/**
 * What access rules look at in a request: the caller as a subject (null for the platform
 * operator, whom tenant rules do not bind) and the client address and time.
 */
export function accessOf(request: FastifyRequest): {
  subject: AccessSubject | null;
  context: AccessContext;
} {
  const principal = request.principal;
  const context = { ip: request.ip ?? null, time: new Date() };
  if (principal?.kind === 'api_key')
    return { subject: { role: principal.role, apiKeyId: principal.id }, context };
  if (principal?.kind === 'user' && request.membership) {
    return {
      subject: { role: request.membership.role, memberId: request.membership.id, teamIds: [] },
      context,
    };
  }
  return { subject: null, context };
}
