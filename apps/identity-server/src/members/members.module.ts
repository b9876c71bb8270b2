import { Global, Module } from '@nestjs/common';
import { MembershipsService } from './memberships.service.js';

/** Global: authentication, profiles and tenants all read memberships through this service. */
@Global()
@Module({
  providers: [MembershipsService],
  exports: [MembershipsService],
})
export class MembersModule {}
