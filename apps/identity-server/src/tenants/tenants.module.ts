import { Module } from '@nestjs/common';
import { AccessRulesModule } from '../access-rules/index.js';
import { MembersModule } from '../members/index.js';
import { TenantContextService } from './tenant-context.service.js';
import { TenantsController } from './tenants.controller.js';
import { TenantsService } from './tenants.service.js';

@Module({
  imports: [MembersModule, AccessRulesModule],
  controllers: [TenantsController],
  providers: [TenantsService, TenantContextService],
  exports: [TenantsService, TenantContextService],
})
export class TenantsModule {}
