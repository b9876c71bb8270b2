import { Module } from '@nestjs/common';
import { ScimTokensController } from './scim-tokens.controller.js';
import { ScimTokensService } from './scim-tokens.service.js';

/** SCIM 2.0 provisioning (RFC 7643, RFC 7644) under /scim/v2, and the tenant tokens it accepts. */
@Module({
  controllers: [ScimTokensController],
  providers: [ScimTokensService],
})
export class ScimModule {}
