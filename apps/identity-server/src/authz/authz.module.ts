import { Module } from '@nestjs/common';
import { AccessRulesModule } from '../access-rules/index.js';
import { AuthzController } from './authz.controller.js';
import { AuthzService } from './authz.service.js';

@Module({
  imports: [AccessRulesModule],
  controllers: [AuthzController],
  providers: [AuthzService],
})
export class AuthzModule {}
