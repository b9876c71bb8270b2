import { DomainException, ErrorCode } from '../common/errors.js';
import type { InvitationRedemption } from '../tenancy/settings.js';
import type { InvitationEntity } from './invitation.entity.js';

/** How the person redeeming an invitation signed in, and what that sign-in vouches for. */
export interface RedeemingIdentity {
  method: 'password' | 'google' | 'microsoft' | 'oidc';
  /** The Entra directory (tid) for Microsoft; the connection's tenant for OIDC. */
  directoryId: string | null;
  /** An email the provider vouches for (Google email_verified, Entra xms_edov, OIDC
   * email_verified), or a password account's email verified by our link; lower-cased. */
  verifiedEmail: string | null;
  /** An unverified email, only to explain a refusal (email_not_verified). */
  unverifiedEmail: string | null;
  /** Entra preferred_username (the UPN) or the OIDC preferred_username, lower-cased. */
  username: string | null;
}

type Invitation = Pick<
  InvitationEntity,
  'tenantId' | 'email' | 'username' | 'identityProvider' | 'entraTenantId'
>;

const PROVIDER_NAMES = { google: 'Google', microsoft: 'Microsoft Entra ID' } as const;

/** The invitation's identity provider (and Entra directory) must be the one signed in with. */
export function assertProviderAllows(invitation: Invitation, identity: RedeemingIdentity): void {
  const wanted = invitation.identityProvider;
  if (wanted === 'any') return;
  if (identity.method !== wanted) {
    throw new DomainException(
      ErrorCode.IdentityProviderMismatch,
      `This invitation must be accepted after signing in with ${PROVIDER_NAMES[wanted]}`,
    );
  }
  if (
    wanted === 'microsoft' &&
    invitation.entraTenantId !== null &&
    identity.directoryId?.toLowerCase() !== invitation.entraTenantId.toLowerCase()
  ) {
    throw new DomainException(
      ErrorCode.IdentityProviderMismatch,
      "This invitation must be accepted with a Microsoft account of the organization's own Entra ID directory",
    );
  }
}

/**
 * Only the person the invitation was sent to redeems it (unless the tenant lets anyone with the
 * link): a vouched email equal to the invitation's email or username; or a username from a
 * directory the invitation trusts — the Entra UPN when the invitation names that Entra tenant
 * (a UPN is unverified and any directory can mint any UPN), or the preferred_username of the
 * inviting tenant's own OIDC connection. Case-insensitive.
 */
export function assertInvitee(
  invitation: Invitation,
  identity: RedeemingIdentity,
  redemption: InvitationRedemption,
): void {
  if (redemption === 'anyone_with_link') return;
  const names = new Set([invitation.email.toLowerCase(), invitation.username.toLowerCase()]);
  // A tenant's OIDC provider vouches only for its own tenant's invitations.
  const emailTrusted = identity.method !== 'oidc' || identity.directoryId === invitation.tenantId;
  if (
    emailTrusted &&
    identity.verifiedEmail !== null &&
    names.has(identity.verifiedEmail.toLowerCase())
  )
    return;
  const username = identity.username?.toLowerCase() ?? null;
  if (username !== null && names.has(username)) {
    const trustedDirectory =
      (identity.method === 'microsoft' &&
        invitation.entraTenantId !== null &&
        identity.directoryId?.toLowerCase() === invitation.entraTenantId.toLowerCase()) ||
      (identity.method === 'oidc' && identity.directoryId === invitation.tenantId);
    if (trustedDirectory) return;
  }
  const unverified =
    identity.unverifiedEmail !== null && names.has(identity.unverifiedEmail.toLowerCase());
  if (unverified && identity.method === 'password') {
    throw new DomainException(
      ErrorCode.EmailNotVerified,
      'Verify your email address first (POST /api/v1/me/email/verification), then accept the invitation',
    );
  }
  throw new DomainException(
    ErrorCode.InviteeMismatch,
    unverified
      ? 'Your identity provider does not vouch for this email address, so it cannot show the invitation is yours'
      : 'This invitation was sent to someone else: sign in as the person it was sent to',
  );
}
