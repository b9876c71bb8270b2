import { DomainException, ErrorCode } from '../common/errors.js';

export const SSO_PROVIDERS = ['google', 'microsoft', 'oidc'] as const;
export type SsoProvider = (typeof SSO_PROVIDERS)[number];

/** Who the identity provider says signed in, in one shape for every provider. */
export interface ExternalIdentity {
  provider: SsoProvider;
  /** What the subject is unique in: the Entra tid, the OIDC connection id; null for Google. */
  directoryId: string | null;
  /** For sign-in policies: the Entra tid, or the tenant owning the OIDC connection. */
  signInDirectory: string | null;
  subject: string;
  /** Lower-cased. Trusted for linking and invitations only when emailVerified. */
  email: string | null;
  emailVerified: boolean;
  /** Entra preferred_username (usually the UPN), OIDC preferred_username; lower-cased. */
  username: string | null;
  displayName: string;
  /** The provider asserted a second factor (`mfa` in `amr`). */
  mfa: boolean;
}

type Claims = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function text(value: unknown, max = 254): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : null;
}

function truthy(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

function emailOf(value: unknown): string | null {
  const email = text(value);
  return email !== null && /^[^\s@]+@[^\s@]+$/.test(email) ? email.toLowerCase() : null;
}

function nameOf(claims: Claims, email: string | null): string {
  return (text(claims.name, 200) ?? email ?? 'New user').slice(0, 200);
}

function mfaOf(claims: Claims): boolean {
  return Array.isArray(claims.amr) && claims.amr.includes('mfa');
}

function subjectOf(value: unknown): string {
  const subject = text(value, 255);
  if (subject === null)
    throw new DomainException(ErrorCode.SsoFailed, 'The identity provider sent no subject');
  return subject;
}

/** Google's userinfo: `sub` is the key; the email counts only with email_verified. */
export function fromGoogle(claims: Claims): ExternalIdentity {
  const email = emailOf(claims.email);
  return {
    provider: 'google',
    directoryId: null,
    signInDirectory: null,
    subject: subjectOf(claims.sub),
    email,
    emailVerified: email !== null && truthy(claims.email_verified),
    username: email,
    displayName: nameOf(claims, email),
    mfa: mfaOf(claims),
  };
}

/**
 * Entra ID's id_token claims: keyed by (`tid`, `oid`), the issuer must be the discovered
 * `{tenantid}` template filled with the token's own `tid`, and `email` is vouched for only with
 * `xms_edov` (the nOAuth attack links by an unverified email claim).
 */
export function fromEntra(claims: Claims, issuerTemplate: string): ExternalIdentity {
  const tid = text(claims.tid, 64);
  const oid = text(claims.oid, 64);
  if (tid === null || !UUID.test(tid) || oid === null) {
    throw new DomainException(ErrorCode.SsoFailed, 'The Microsoft token has no tid or oid');
  }
  const expected = issuerTemplate.replace('{tenantid}', tid);
  if (!issuerTemplate.includes('{tenantid}') || claims.iss !== expected) {
    throw new DomainException(
      ErrorCode.SsoIssuerNotAllowed,
      "The Microsoft token's issuer is not its own directory's",
    );
  }
  const email = emailOf(claims.email);
  const username = emailOf(claims.preferred_username) ?? emailOf(claims.upn);
  return {
    provider: 'microsoft',
    directoryId: tid.toLowerCase(),
    signInDirectory: tid.toLowerCase(),
    subject: oid.toLowerCase(),
    // Without an email claim the account is addressed by the UPN, never as verified.
    email: email ?? username,
    emailVerified: email !== null && truthy(claims.xms_edov),
    username,
    displayName: nameOf(claims, email ?? username),
    mfa: mfaOf(claims),
  };
}

/** A tenant's own OIDC connection: its allowed email domains bind who may sign in through it. */
export function fromOidc(
  claims: Claims,
  connection: { id: string; tenantId: string; allowedDomains: readonly string[] },
): ExternalIdentity {
  const email = emailOf(claims.email);
  if (connection.allowedDomains.length > 0) {
    const domain = email?.split('@')[1] ?? null;
    if (domain === null || !connection.allowedDomains.includes(domain)) {
      throw new DomainException(
        ErrorCode.SsoDomainNotAllowed,
        `This connection accepts addresses at ${connection.allowedDomains.join(', ')} only`,
      );
    }
  }
  const username = text(claims.preferred_username)?.toLowerCase() ?? null;
  return {
    provider: 'oidc',
    directoryId: connection.id,
    signInDirectory: connection.tenantId,
    subject: subjectOf(claims.sub),
    email,
    emailVerified: email !== null && truthy(claims.email_verified),
    username,
    displayName: nameOf(claims, email ?? username),
    mfa: mfaOf(claims),
  };
}
