import { DomainException, ErrorCode } from '../common/errors.js';

export const MEMBERSHIP_STATUSES = ['active', 'suspended', 'removed'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];

/** What a membership in a status grants. Read positively: `hasAccess`, never "not suspended". */
export interface StatusMeaning {
  /** Requests into the tenant are let in. */
  hasAccess: boolean;
  /** Counts against the tenant's seat limit (tenant_seats, kept by a trigger: a test checks it). */
  holdsSeat: boolean;
  /** Shown in member lists and SCIM, found by id; unlisted members answer 404. */
  listed: boolean;
  /** Role, status and profile may still change; a status that is not editable is final. */
  editable: boolean;
}

/** The one table of what each status means: SQL predicates, the guard and the seat trigger follow it. */
export const MEMBERSHIP_STATUS: Readonly<Record<MembershipStatus, StatusMeaning>> = {
  active: { hasAccess: true, holdsSeat: true, listed: true, editable: true },
  suspended: { hasAccess: false, holdsSeat: false, listed: true, editable: true },
  removed: { hasAccess: false, holdsSeat: false, listed: false, editable: false },
};

/**
 * The two states a switch of access moves between: SCIM's `active`, the members API's status
 * changes. Removal is not a switch (DELETE).
 */
export const ACCESS_SWITCH = { on: 'active', off: 'suspended' } as const satisfies Record<
  'on' | 'off',
  MembershipStatus
>;

/** The statuses the members API may set (PATCH); removal is DELETE. */
export const SETTABLE_STATUSES = [ACCESS_SWITCH.on, ACCESS_SWITCH.off] as const;

export function statusesWith(flag: keyof StatusMeaning): MembershipStatus[] {
  return MEMBERSHIP_STATUSES.filter((s) => MEMBERSHIP_STATUS[s][flag]);
}

/**
 * A SQL predicate on a status column, e.g. `statusSql('m.status', 'listed')` →
 * `m.status IN ('active','suspended')`. The statuses are constants, never client input.
 */
export function statusSql(column: string, flag: keyof StatusMeaning): string {
  const statuses = statusesWith(flag);
  if (statuses.length === 0) return 'false';
  return `${column} IN (${statuses.map((s) => `'${s}'`).join(',')})`;
}

export function isMembershipStatus(value: unknown): value is MembershipStatus {
  return typeof value === 'string' && (MEMBERSHIP_STATUSES as readonly string[]).includes(value);
}

/** A change of status, named as the audit trail names it. */
export type StatusTransition = 'suspend' | 'reactivate' | 'remove';

/**
 * The transition from one status to another, null when nothing changes. A status that is not
 * editable is final (`member_removed`). Exhaustive: a new status does not compile until it is
 * placed here.
 */
export function transitionOf(
  from: MembershipStatus,
  to: MembershipStatus,
): StatusTransition | null {
  if (!MEMBERSHIP_STATUS[from].editable) throw new DomainException(ErrorCode.MemberRemoved);
  if (from === to) return null;
  switch (to) {
    case 'active':
      return 'reactivate';
    case 'suspended':
      return 'suspend';
    case 'removed':
      return 'remove';
    default:
      return assertNever(to);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown membership status ${String(value)}`);
}
