import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Permission, TenantId } from '../common/decorators.js';
import { pageArgs } from '../common/pagination.js';
import { AuditService } from './audit.service.js';
import { auditFilterOf, AuditQueryDto } from './dto/audit-query.dto.js';

@ApiTags('audit')
@Controller('api/v1/tenants/:tenantId/audit-events')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Permission('read', 'AuditEvent')
  @ApiOperation({ summary: 'List audit events, oldest first, with filters and cursor pagination' })
  @ApiOkResponse({ description: '{ data: AuditEvent[], nextCursor }' })
  list(@TenantId() tenantId: string, @Query() query: AuditQueryDto) {
    const { limit, after } = pageArgs(query);
    return this.audit.list(tenantId, auditFilterOf(query), limit, after);
  }
}
