import { Module } from '@nestjs/common';
import { AccessRulesModule } from '../access-rules/index.js';
import { DecisionLogsModule } from '../decision-logs/index.js';
import { ResourcesModule } from '../resources/index.js';
import { TenantsModule } from '../tenants/index.js';
import { AuthzenController, AuthzenMetadataController } from './authzen.controller.js';
import { AuthzenService } from './authzen.service.js';

@Module({
  imports: [AccessRulesModule, DecisionLogsModule, ResourcesModule, TenantsModule],
  controllers: [AuthzenController, AuthzenMetadataController],
  providers: [AuthzenService],
})
export class AuthzenModule {}
