import type { MembershipEntity } from './membership.entity.js';
import { shownName } from './names.js';

/**
 * A profile column of a membership (a string, or null while unassigned) and how each way in
 * names it: the members API's view and SCIM's core User attribute. SCIM's filters, its reads
 * and writes, the members API view, its OpenAPI schema and the lifecycle's audited summary are
 * all built from this table, so a new profile column is the entity column, its migration and one
 * row here. (The email, the SCIM view of the person and the status have their own rules.)
 */
interface ProfileFieldSpec {
  /** The entity property. */
  property: keyof MembershipEntity;
  /** The database column, for SQL built from SCIM filters. */
  column: string;
  /** The SCIM core User attribute. */
  scim: string;
  /** The members API field, or null when the API does not show it. */
  api: string | null;
  maxLength: number;
  required: boolean;
  /** SCIM compares it case-sensitively, and it is kept exactly as given (no trimming). */
  caseExact: boolean;
  /** What the members API shows, when not the stored value. */
  apiValue?: (member: MembershipEntity) => string | null;
  example?: string;
}

export const PROFILE_FIELDS = [
  {
    property: 'username',
    column: 'username',
    scim: 'userName',
    api: 'username',
    maxLength: 100,
    required: true,
    caseExact: false,
    example: 'grace',
  },
  {
    property: 'displayName',
    column: 'display_name',
    scim: 'displayName',
    api: 'displayName',
    maxLength: 200,
    required: false,
    caseExact: false,
    // People always see a name: derived while SCIM leaves it unassigned.
    apiValue: shownName,
    example: 'Grace Hopper',
  },
  {
    property: 'externalId',
    column: 'external_id',
    scim: 'externalId',
    api: null,
    maxLength: 255,
    required: false,
    caseExact: true,
  },
] as const satisfies readonly ProfileFieldSpec[];

export type ProfileField = (typeof PROFILE_FIELDS)[number];
export type ProfileProperty = ProfileField['property'];

/** The profile columns as an identity provider sets them (plus the email and the SCIM view). */
export type ProfileValues = Pick<MembershipEntity, ProfileProperty>;

/** The members API's view of the profile columns it shows. */
export type ProfileView = {
  [F in Extract<ProfileField, { api: string }> as F['api']]: F extends { apiValue: unknown }
    ? string
    : F['required'] extends true
      ? string
      : string | null;
};

export function profileView(member: MembershipEntity): ProfileView {
  const view: Record<string, string | null> = {};
  for (const field of PROFILE_FIELDS as readonly ProfileFieldSpec[]) {
    if (field.api === null) continue;
    view[field.api] = field.apiValue
      ? field.apiValue(member)
      : (member[field.property] as string | null);
  }
  return view as ProfileView;
}

/**
 * The profile of a member who joins without an identity provider: the given values, every other
 * profile column unassigned.
 */
export function profileWith(
  values: Pick<ProfileValues, 'username' | 'displayName'>,
): ProfileValues {
  const profile: Record<string, string | null> = {};
  for (const field of PROFILE_FIELDS) profile[field.property] = null;
  return { ...(profile as ProfileValues), ...values };
}
