import { Module } from '@nestjs/common';
import { TenantsModule } from '../tenants/index.js';
import { DecisionLogService } from './decision-log.service.js';
import { DecisionLogsController } from './decision-logs.controller.js';

@Module({
  imports: [TenantsModule],
  controllers: [DecisionLogsController],
  providers: [DecisionLogService],
  exports: [DecisionLogService],
})
export class DecisionLogsModule {}
