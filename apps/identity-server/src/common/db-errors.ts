import { DomainException, ErrorCode } from './errors.js';

/** The constraint a unique violation hit, or null for any other error. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as {
    code?: unknown;
    constraint?: unknown;
    driverError?: { code?: unknown; constraint?: unknown };
  };
  const source = e?.driverError ?? e;
  if (source?.code !== '23505') return null;
  return typeof source.constraint === 'string' ? source.constraint : '';
}

/**
 * The unique constraints of the schema, as the domain error each one means: the one place that
 * knows constraint names. A write translates what it hits with `conflictOf`.
 */
const UNIQUE_CONSTRAINTS: Readonly<Record<string, { code: ErrorCode; detail: string }>> = {
  tenants_slug_key: { code: ErrorCode.TenantSlugTaken, detail: 'Another tenant uses this slug' },
  tenants_name_lower_key: {
    code: ErrorCode.TenantNameTaken,
    detail: 'Another tenant has this name',
  },
  accounts_email_lower_key: {
    code: ErrorCode.EmailTaken,
    detail: 'An account with this email exists: sign in instead',
  },
  // A role's key is its primary key within the tenant.
  PK_a93cb957cd57b34fdb74b1d1de1: { code: ErrorCode.RoleExists, detail: 'That role exists' },
  teams_sibling_name_key: {
    code: ErrorCode.TeamNameTaken,
    detail: 'A team of that name exists under the same parent',
  },
  sso_connections_tenant_name_key: {
    code: ErrorCode.SsoConnectionNameTaken,
    detail: 'Another SSO connection of this organization has this name',
  },
  memberships_tenant_username_key: {
    code: ErrorCode.InviteConflict,
    detail: 'That username is taken in this organization',
  },
  memberships_tenant_account_key: {
    code: ErrorCode.InviteConflict,
    detail: 'That person is already a member of this organization',
  },
};

/**
 * A unique violation as the domain error its constraint means (with `detail` for this write, if
 * given), or null for any other error: the caller rethrows those unchanged.
 */
export function conflictOf(error: unknown, detail?: string): DomainException | null {
  const constraint = uniqueViolation(error);
  const known = constraint === null ? undefined : UNIQUE_CONSTRAINTS[constraint];
  return known ? new DomainException(known.code, detail ?? known.detail) : null;
}
