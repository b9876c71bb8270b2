import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { ApiTenantParam } from '../common/openapi.js';
import { pageArgs } from '../common/pagination.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { DecisionLogService } from './decision-log.service.js';
import {
  decisionLogFilterOf,
  DecisionLogPageDto,
  DecisionLogQueryDto,
} from './dto/decision-log.dto.js';

@ApiTags('policy')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/decision-logs')
export class DecisionLogsController {
  constructor(private readonly logs: DecisionLogService) {}

  @Get()
  @Permission('read', 'DecisionLog')
  @ApiOperation({
    summary: 'List logged policy decisions, oldest first, with filters and cursor pagination',
    description:
      "Only while the tenant's settings.decisionLogs.enabled is on, a sampleRate share of decisions, kept retentionDays.",
  })
  @ApiOkResponse({ type: DecisionLogPageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: DecisionLogQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.logs.list(ctx.tenantId, decisionLogFilterOf(query), limit, after, query.order);
  }
}
