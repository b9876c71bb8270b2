import { Module } from '@nestjs/common';
import { AccessRulesModule } from '../access-rules/index.js';
import { DecisionLogsModule } from '../decision-logs/index.js';
import { AuthzController } from './authz.controller.js';
import { AuthzService } from './authz.service.js';

@Module({
  imports: [AccessRulesModule, DecisionLogsModule],
  controllers: [AuthzController],
  providers: [AuthzService],
})
export class AuthzModule {}
