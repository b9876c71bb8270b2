import { DomainException, ErrorCode } from '../common/errors.js';
import type { InvitationStatus } from './dto/invitation.dto.js';

/** What an invitation in a state allows. `expired` is a pending invitation past its expiry. */
export interface InvitationMeaning {
  /** Counts against the seat limit with the active members. */
  holdsSeat: boolean;
  accept: boolean;
  resend: boolean;
  revoke: boolean;
}

/** The one table of invitation states: the checks below and the seat predicate follow it. */
export const INVITATION_STATUS: Readonly<Record<InvitationStatus, InvitationMeaning>> = {
  pending: { holdsSeat: true, accept: true, resend: true, revoke: true },
  expired: { holdsSeat: false, accept: false, resend: true, revoke: true },
  accepted: { holdsSeat: false, accept: false, resend: false, revoke: false },
  revoked: { holdsSeat: false, accept: false, resend: false, revoke: false },
};

/** The state as people see it: a stored `pending` past its expiry reads `expired`. */
export function invitationStatusOf(invitation: {
  status: Exclude<InvitationStatus, 'expired'>;
  expiresAt: Date;
}): InvitationStatus {
  if (invitation.status !== 'pending') return invitation.status;
  return invitation.expiresAt.getTime() <= Date.now() ? 'expired' : 'pending';
}

/** Refuses what the invitation's state does not allow, with the error that state means. */
export function assertInvitationAllows(
  invitation: { status: Exclude<InvitationStatus, 'expired'>; expiresAt: Date },
  action: 'accept' | 'resend' | 'revoke',
): void {
  const status = invitationStatusOf(invitation);
  if (INVITATION_STATUS[status][action]) return;
  switch (status) {
    case 'accepted':
      throw new DomainException(ErrorCode.InvitationAccepted);
    case 'revoked':
      throw new DomainException(ErrorCode.InvitationRevoked);
    case 'expired':
      throw new DomainException(
        ErrorCode.InvitationExpired,
        'Ask for the invitation to be sent again',
      );
    case 'pending':
      throw new Error(`A pending invitation refuses ${action}`);
    default:
      return assertNever(status);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown invitation status ${String(value)}`);
}
