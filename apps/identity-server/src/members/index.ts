/** The public face of members/: a tenant's memberships. Import MembersModule to inject these. */
export { MembersModule } from './members.module.js';
export { MembershipsService, type TenantOfAccount } from './memberships.service.js';
export { MembershipEntity } from './membership.entity.js';
export { assertAnotherAdmin } from './members.service.js';
