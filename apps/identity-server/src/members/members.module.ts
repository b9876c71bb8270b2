import { Global, Module } from '@nestjs/common';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { MembershipsService } from './memberships.service.js';

/** Global: authentication, profiles and tenants all read memberships through MembershipsService. */
@Global()
@Module({
  controllers: [MembersController],
  providers: [MembershipsService, MembersService],
  exports: [MembershipsService],
})
export class MembersModule {}
