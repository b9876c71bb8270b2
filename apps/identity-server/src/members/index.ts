/** The public face of members/: a tenant's memberships. Import MembersModule to inject these. */
export { MembersModule } from './members.module.js';
export {
  MembershipsService,
  type TenantAccess,
  type TenantOfAccount,
} from './memberships.service.js';
export { MembershipEntity } from './membership.entity.js';
export {
  MembershipLifecycle,
  assertSeatFree,
  PROVISIONED_ROLE,
  type MemberCommand,
  type MemberProfile,
  type MemberSource,
} from './membership-lifecycle.service.js';
export { MembershipsRepository, type TenantMemberships } from './memberships.repository.js';
export { MemberTeamsPort, type MemberTeams, type TeamRef } from './member-teams.port.js';
export {
  ACCESS_SWITCH,
  isMembershipStatus,
  MEMBERSHIP_STATUS,
  MEMBERSHIP_STATUSES,
  statusSql,
  type MembershipStatus,
} from './membership-status.js';
export { shownName } from './names.js';
export {
  PROFILE_FIELDS,
  profileView,
  type ProfileField,
  type ProfileValues,
  type ProfileView,
} from './member-fields.js';
