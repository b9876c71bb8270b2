import { Module } from '@nestjs/common';
import { MemberTeamsPort } from './member-teams.port.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { MembershipLifecycle } from './membership-lifecycle.service.js';
import { MembershipsRepository } from './memberships.repository.js';
import { MembershipsService } from './memberships.service.js';

/**
 * Memberships: the lifecycle (every change), the repository (the only code on the table) and
 * the reads sign-in needs. Not global: authentication, profiles, tenants, invitations, teams
 * and SCIM import this module to say that they use memberships.
 */
@Module({
  controllers: [MembersController],
  providers: [
    MembershipsRepository,
    MemberTeamsPort,
    MembershipLifecycle,
    MembershipsService,
    MembersService,
  ],
  exports: [MembershipsService, MembershipLifecycle, MembershipsRepository, MemberTeamsPort],
})
export class MembersModule {}
