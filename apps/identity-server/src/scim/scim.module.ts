import { Module } from '@nestjs/common';
import { ThrottleModule } from '../auth/index.js';
import { MembersModule } from '../members/index.js';
import { TeamsModule } from '../teams/index.js';
import { ScimAuthGuard } from './scim-auth.guard.js';
import { ScimDiscoveryController } from './scim-discovery.controller.js';
import { ScimGroupsService } from './scim-groups.service.js';
import { ScimGroupsController, ScimUsersController } from './scim-resource.controller.js';
import { ScimTokensController } from './scim-tokens.controller.js';
import { ScimTokensService } from './scim-tokens.service.js';
import { ScimUsersService } from './scim-users.service.js';

/** SCIM 2.0 provisioning (RFC 7643, RFC 7644) under /scim/v2, and the tenant tokens it accepts. */
@Module({
  imports: [MembersModule, TeamsModule, ThrottleModule],
  controllers: [
    ScimTokensController,
    ScimDiscoveryController,
    ScimUsersController,
    ScimGroupsController,
  ],
  providers: [ScimTokensService, ScimAuthGuard, ScimUsersService, ScimGroupsService],
})
export class ScimModule {}
