import type { FastifyRequest } from 'fastify';
import type { AccessContext, AccessSubject, Policy } from '#policy';

/**
 * What access rules look at in a request: the caller as a subject, with its role and teams (null
 * for the platform operator, whom tenant rules do not bind), and the client address and time.
 */
export function accessOf(request: FastifyRequest): {
  subject: AccessSubject | null;
  context: AccessContext;
} {
  return accessAt(request.policy ?? null, request.ip ?? null);
}

/** The same, from what a request context holds: the caller's policy and client address. */
export function accessAt(
  policy: Policy | null,
  ip: string | null,
): { subject: AccessSubject | null; context: AccessContext } {
  return { subject: policy?.accessSubject ?? null, context: { ip, time: new Date() } };
}
