import { Module } from '@nestjs/common';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { MembershipsService } from './memberships.service.js';

/**
 * Not global: authentication, profiles, tenants and SCIM read memberships through
 * MembershipsService, and each of their modules imports this one to say so.
 */
@Module({
  controllers: [MembersController],
  providers: [MembershipsService, MembersService],
  exports: [MembershipsService],
})
export class MembersModule {}
