import type { FastifyRequest } from 'fastify';
import type { AccessContext, AccessSubject } from '#policy';

/**
 * What access rules look at in a request: the caller as a subject, with its role and teams (null
 * for the platform operator, whom tenant rules do not bind), and the client address and time.
 */
export function accessOf(request: FastifyRequest): {
  subject: AccessSubject | null;
  context: AccessContext;
} {
  const context = { ip: request.ip ?? null, time: new Date() };
  return { subject: request.policy?.accessSubject ?? null, context };
}
