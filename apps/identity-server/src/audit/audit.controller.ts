import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { pageArgs } from '../common/pagination.js';
import { AuditService } from './audit.service.js';
import { auditFilterOf, AuditQueryDto } from './dto/audit-query.dto.js';
import { ApiTenantParam } from '../common/openapi.js';
import { AuditEventPageDto } from './dto/audit-event-response.dto.js';

@ApiTags('audit')
@ApiTenantParam()
@Controller('api/v1/tenants/:tenantId/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Permission('read', 'AuditEvent')
  @ApiOperation({ summary: 'List audit events, oldest first, with filters and cursor pagination' })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@TenantCtx() ctx: TenantContext, @Query() query: AuditQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.audit.list(ctx.tenantId, auditFilterOf(query), limit, after);
  }
}
