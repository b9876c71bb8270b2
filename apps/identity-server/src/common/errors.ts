/**
 * Stable error codes that clients switch on. Adding one means adding its status and title to
 * ERROR_CATALOG; the compiler refuses a code without them.
 */
export enum ErrorCode {
  ValidationFailed = 'validation_failed',
  MalformedJson = 'malformed_json',
  UnsupportedMediaType = 'unsupported_media_type',
  PayloadTooLarge = 'payload_too_large',
  RouteNotFound = 'route_not_found',
  UriTooLong = 'uri_too_long',
  MalformedUrl = 'malformed_url',
  MethodNotAllowed = 'method_not_allowed',
  BodyTooDeep = 'body_too_deep',
  ForbiddenKey = 'forbidden_key',
  InvalidString = 'invalid_string',
  HeadersTooLarge = 'headers_too_large',
  MalformedRequest = 'malformed_request',
  RequestTimeout = 'request_timeout',
  Unauthenticated = 'unauthenticated',
  PermissionDenied = 'permission_denied',
  AdminRequired = 'admin_required',
  OperatorRequired = 'operator_required',
  RoleEscalation = 'role_escalation',
  TenantNotFound = 'tenant_not_found',
  TenantSlugTaken = 'tenant_slug_taken',
  TenantNameTaken = 'tenant_name_taken',
  ApiKeyNotFound = 'api_key_not_found',
  ScimTokenNotFound = 'scim_token_not_found',
  InvalidCursor = 'invalid_cursor',
  InvalidCredentials = 'invalid_credentials',
  TokenExpired = 'token_expired',
  MfaRequired = 'mfa_required',
  MfaInvalid = 'mfa_invalid',
  MfaAlreadyEnabled = 'mfa_already_enabled',
  MfaNotEnabled = 'mfa_not_enabled',
  TooManyAttempts = 'too_many_attempts',
  RateLimited = 'rate_limited',
  WeakPassword = 'weak_password',
  PasswordReused = 'password_reused',
  EmailTaken = 'email_taken',
  RefreshTokenInvalid = 'refresh_token_invalid',
  RefreshTokenReused = 'refresh_token_reused',
  SessionRequired = 'session_required',
  SignInRequired = 'sign_in_required',
  SessionNotFound = 'session_not_found',
  SessionExpired = 'session_expired',
  MemberSuspended = 'member_suspended',
  MemberNotFound = 'member_not_found',
  MemberRemoved = 'member_removed',
  LastAdmin = 'last_admin',
  CannotRemoveSelf = 'cannot_remove_self',
  InviteConflict = 'invite_conflict',
  AccessRuleDenied = 'access_rule_denied',
  AccessRuleLockout = 'access_rule_lockout',
  AccessRuleNotFound = 'access_rule_not_found',
  SeatLimitReached = 'seat_limit_reached',
  InvitationNotFound = 'invitation_not_found',
  InvitationExpired = 'invitation_expired',
  InvitationRevoked = 'invitation_revoked',
  InvitationAccepted = 'invitation_accepted',
  IdentityProviderMismatch = 'identity_provider_mismatch',
  RoleNotFound = 'role_not_found',
  RoleExists = 'role_exists',
  RoleBuiltIn = 'role_built_in',
  RoleInUse = 'role_in_use',
  TeamNotFound = 'team_not_found',
  TeamNameTaken = 'team_name_taken',
  TeamCycle = 'team_cycle',
  TeamNotEmpty = 'team_not_empty',
  TeamMemberNotFound = 'team_member_not_found',
  SsoProviderNotConfigured = 'sso_provider_not_configured',
  SsoStateInvalid = 'sso_state_invalid',
  SsoFailed = 'sso_failed',
  SsoProviderError = 'sso_provider_error',
  SsoIssuerNotAllowed = 'sso_issuer_not_allowed',
  SsoEmailRequired = 'sso_email_required',
  SsoCodeInvalid = 'sso_code_invalid',
  ReturnToInvalid = 'return_to_invalid',
  SsoRequired = 'sso_required',
  InviteeMismatch = 'invitee_mismatch',
  AccountLinkRequired = 'account_link_required',
  IdentityNotFound = 'identity_not_found',
  IdentityLinkedElsewhere = 'identity_linked_elsewhere',
  LastSignInMethod = 'last_sign_in_method',
  EmailNotVerified = 'email_not_verified',
  EmailLinkInvalid = 'email_link_invalid',
  EmailLinkExpired = 'email_link_expired',
  EmailAlreadyVerified = 'email_already_verified',
  SsoConnectionNotFound = 'sso_connection_not_found',
  ResourceNotFound = 'resource_not_found',
  OidcDiscoveryFailed = 'oidc_discovery_failed',
  UrlNotAllowed = 'url_not_allowed',
  SsoDomainNotAllowed = 'sso_domain_not_allowed',
  SsoConnectionNameTaken = 'sso_connection_name_taken',
  SignInPolicyLockout = 'sign_in_policy_lockout',
  ServiceUnavailable = 'service_unavailable',
  InternalError = 'internal_error',
}

interface CatalogEntry {
  status: number;
  title: string;
}

export const ERROR_CATALOG: Record<ErrorCode, CatalogEntry> = {
  [ErrorCode.ValidationFailed]: { status: 400, title: 'The request is not valid' },
  [ErrorCode.MalformedJson]: { status: 400, title: 'The request body is not valid JSON' },
  [ErrorCode.UnsupportedMediaType]: { status: 415, title: 'Unsupported content type' },
  [ErrorCode.PayloadTooLarge]: { status: 413, title: 'The request body is too large' },
  [ErrorCode.RouteNotFound]: { status: 404, title: 'No such route' },
  [ErrorCode.UriTooLong]: { status: 414, title: 'A path segment is too long' },
  [ErrorCode.MalformedUrl]: { status: 400, title: 'The URL is not valid' },
  [ErrorCode.MethodNotAllowed]: { status: 405, title: 'Method not allowed' },
  [ErrorCode.BodyTooDeep]: { status: 400, title: 'The request body is nested too deeply' },
  [ErrorCode.ForbiddenKey]: {
    status: 400,
    title: 'The body or query has a __proto__, prototype or constructor key',
  },
  [ErrorCode.InvalidString]: {
    status: 400,
    title: 'A text contains a NUL character or an unpaired surrogate',
  },
  [ErrorCode.HeadersTooLarge]: {
    status: 431,
    title: 'The request line and headers are too large',
  },
  [ErrorCode.MalformedRequest]: { status: 400, title: 'The HTTP request could not be parsed' },
  [ErrorCode.RequestTimeout]: { status: 408, title: 'The request did not arrive in time' },
  [ErrorCode.Unauthenticated]: { status: 401, title: 'Authentication required' },
  [ErrorCode.PermissionDenied]: { status: 403, title: 'Permission denied' },
  [ErrorCode.AdminRequired]: { status: 403, title: 'Admin access required' },
  [ErrorCode.OperatorRequired]: { status: 403, title: 'Platform operator access required' },
  [ErrorCode.RoleEscalation]: { status: 403, title: 'Cannot grant a role above your own' },
  [ErrorCode.TenantNotFound]: { status: 404, title: 'Tenant not found' },
  [ErrorCode.TenantSlugTaken]: { status: 409, title: 'Tenant slug already in use' },
  [ErrorCode.TenantNameTaken]: { status: 409, title: 'Tenant name already in use' },
  [ErrorCode.ApiKeyNotFound]: { status: 404, title: 'API key not found' },
  [ErrorCode.ScimTokenNotFound]: { status: 404, title: 'SCIM token not found' },
  [ErrorCode.InvalidCursor]: { status: 400, title: 'The cursor is not valid' },
  [ErrorCode.InvalidCredentials]: { status: 401, title: 'The email or password is not correct' },
  [ErrorCode.TokenExpired]: { status: 401, title: 'The access token has expired' },
  [ErrorCode.MfaRequired]: { status: 401, title: 'A second factor is required' },
  [ErrorCode.MfaInvalid]: { status: 401, title: 'The second-factor code is not correct' },
  [ErrorCode.MfaAlreadyEnabled]: { status: 409, title: 'Two-factor authentication is already on' },
  [ErrorCode.MfaNotEnabled]: { status: 409, title: 'Two-factor authentication is not on' },
  [ErrorCode.TooManyAttempts]: { status: 429, title: 'Too many failed attempts' },
  [ErrorCode.RateLimited]: { status: 429, title: 'Too many requests: try again later' },
  [ErrorCode.WeakPassword]: { status: 400, title: 'The password does not meet the policy' },
  [ErrorCode.PasswordReused]: { status: 400, title: 'The password was used recently' },
  [ErrorCode.EmailTaken]: { status: 409, title: 'An account with this email exists' },
  [ErrorCode.RefreshTokenInvalid]: { status: 401, title: 'The refresh token is not valid' },
  [ErrorCode.RefreshTokenReused]: {
    status: 401,
    title: 'The refresh token was already used; the session is revoked',
  },
  [ErrorCode.SessionRequired]: { status: 403, title: 'Sign in with a session for this action' },
  [ErrorCode.SignInRequired]: { status: 403, title: 'Only a signed-in person may do this' },
  [ErrorCode.SessionNotFound]: { status: 404, title: 'Session not found' },
  [ErrorCode.SessionExpired]: {
    status: 401,
    title: 'The session is too old for this organization: sign in again',
  },
  [ErrorCode.MemberSuspended]: {
    status: 403,
    title: 'Your membership of this organization is suspended',
  },
  [ErrorCode.MemberNotFound]: { status: 404, title: 'Member not found' },
  [ErrorCode.MemberRemoved]: { status: 409, title: 'A removed member cannot be changed' },
  [ErrorCode.LastAdmin]: {
    status: 409,
    title: 'The organization must keep at least one active Administrator',
  },
  [ErrorCode.CannotRemoveSelf]: { status: 409, title: 'Administrators cannot remove themselves' },
  [ErrorCode.InviteConflict]: {
    status: 409,
    title: 'That email is already a member or invited, or the username is taken',
  },
  [ErrorCode.AccessRuleDenied]: { status: 403, title: 'An access rule refuses this request' },
  [ErrorCode.AccessRuleLockout]: {
    status: 409,
    title: 'The rules would lock you out; send confirm: true to save them anyway',
  },
  [ErrorCode.AccessRuleNotFound]: { status: 404, title: 'Access rule not found' },
  [ErrorCode.SeatLimitReached]: { status: 409, title: 'The organization has no seat left' },
  [ErrorCode.InvitationNotFound]: { status: 404, title: 'Invitation not found' },
  [ErrorCode.InvitationExpired]: { status: 410, title: 'The invitation has expired' },
  [ErrorCode.InvitationRevoked]: { status: 410, title: 'The invitation was revoked' },
  [ErrorCode.InvitationAccepted]: { status: 409, title: 'The invitation was already accepted' },
  [ErrorCode.IdentityProviderMismatch]: {
    status: 403,
    title: 'Sign in with the identity provider the invitation names',
  },
  [ErrorCode.RoleNotFound]: { status: 404, title: 'Role not found' },
  [ErrorCode.RoleExists]: { status: 409, title: 'A role with this key exists' },
  [ErrorCode.RoleBuiltIn]: { status: 409, title: 'Built-in roles cannot be changed or deleted' },
  [ErrorCode.RoleInUse]: {
    status: 409,
    title: 'The role is held by members, invitations or API keys',
  },
  [ErrorCode.TeamNotFound]: { status: 404, title: 'Team not found' },
  [ErrorCode.TeamNameTaken]: {
    status: 409,
    title: 'A team with this name exists under the same parent',
  },
  [ErrorCode.TeamCycle]: { status: 409, title: 'A team cannot be moved under itself' },
  [ErrorCode.TeamNotEmpty]: {
    status: 409,
    title: 'The team has sub-teams or members: choose what happens to them',
  },
  [ErrorCode.TeamMemberNotFound]: { status: 404, title: 'The member is not in this team' },
  [ErrorCode.SsoProviderNotConfigured]: {
    status: 404,
    title: 'This sign-in provider is not set up on this server',
  },
  [ErrorCode.SsoStateInvalid]: {
    status: 400,
    title: 'The sign-in attempt is unknown, tampered with or expired: start again',
  },
  [ErrorCode.SsoFailed]: {
    status: 401,
    title: "The identity provider's answer could not be verified",
  },
  [ErrorCode.SsoProviderError]: {
    status: 401,
    title: 'The identity provider refused or cancelled the sign-in',
  },
  [ErrorCode.SsoIssuerNotAllowed]: {
    status: 401,
    title: "The token's issuer or directory is not allowed",
  },
  [ErrorCode.SsoEmailRequired]: {
    status: 401,
    title: 'The identity provider sent no email address',
  },
  [ErrorCode.SsoCodeInvalid]: {
    status: 400,
    title: 'The sign-in code is unknown, used or expired',
  },
  [ErrorCode.ReturnToInvalid]: { status: 400, title: 'returnTo must be a path on this server' },
  [ErrorCode.SsoRequired]: {
    status: 403,
    title: 'This organization requires signing in with its identity provider',
  },
  [ErrorCode.InviteeMismatch]: { status: 403, title: 'The invitation was sent to someone else' },
  [ErrorCode.AccountLinkRequired]: {
    status: 409,
    title:
      'An account with this email exists: sign in to it and connect this provider from your profile',
  },
  [ErrorCode.IdentityNotFound]: { status: 404, title: 'Sign-in method not found' },
  [ErrorCode.IdentityLinkedElsewhere]: {
    status: 409,
    title: 'This identity already signs in to another account',
  },
  [ErrorCode.LastSignInMethod]: { status: 409, title: 'The last way to sign in cannot be removed' },
  [ErrorCode.EmailNotVerified]: { status: 403, title: 'Verify your email address first' },
  [ErrorCode.EmailLinkInvalid]: { status: 400, title: 'The link is unknown or was already used' },
  [ErrorCode.EmailLinkExpired]: { status: 410, title: 'The link has expired: ask for a new one' },
  [ErrorCode.EmailAlreadyVerified]: { status: 409, title: 'The email address is already verified' },
  [ErrorCode.SsoConnectionNotFound]: { status: 404, title: 'SSO connection not found' },
  [ErrorCode.ResourceNotFound]: { status: 404, title: 'Resource not found' },
  [ErrorCode.OidcDiscoveryFailed]: {
    status: 422,
    title: "The issuer's OpenID configuration could not be fetched or is not valid",
  },
  [ErrorCode.UrlNotAllowed]: {
    status: 400,
    title: 'The URL is not allowed: https to a public address only',
  },
  [ErrorCode.SsoDomainNotAllowed]: {
    status: 403,
    title: "The email's domain is not one this connection allows",
  },
  [ErrorCode.SsoConnectionNameTaken]: {
    status: 409,
    title: 'Another SSO connection of this organization has this name',
  },
  [ErrorCode.SignInPolicyLockout]: {
    status: 409,
    title: 'The sign-in policy would refuse your own session; send confirm: true to save it anyway',
  },
  [ErrorCode.ServiceUnavailable]: { status: 503, title: 'Service unavailable' },
  [ErrorCode.InternalError]: { status: 500, title: 'Internal server error' },
};

export interface FieldError {
  field: string;
  message: string;
}

/** A domain error: thrown by services and controllers, mapped to a response by one filter. */
export class DomainException extends Error {
  readonly status: number;
  /** Response headers that go with the error, e.g. Retry-After on 429. */
  headers?: Record<string, string>;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly errors?: FieldError[],
    /** Where one code means different things by context (mfa_required at sign-in is 401, on a tenant 403). */
    status?: number,
  ) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.status = status ?? ERROR_CATALOG[code].status;
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: FieldError[];
  errorId?: string;
  instance?: string;
}

export const PROBLEM_TYPE_BASE = 'https://identity-server.dev/problems/';

export function problemFor(
  code: ErrorCode,
  detail?: string,
  errors?: FieldError[],
): ProblemDetails {
  const entry = ERROR_CATALOG[code];
  return {
    type: `${PROBLEM_TYPE_BASE}${code.replace(/_/g, '-')}`,
    title: entry.title,
    status: entry.status,
    detail: detail ?? entry.title,
    code,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}
