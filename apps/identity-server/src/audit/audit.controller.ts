import { Readable } from 'node:stream';
import { Controller, Get, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Permission } from '../common/decorators.js';
import { TenantCtx, type TenantContext } from '../common/request-context.js';
import { pageArgs } from '../common/pagination.js';
import { AuditService } from './audit.service.js';
import { auditFilterOf, AuditFilterQueryDto, AuditQueryDto } from './dto/audit-query.dto.js';
import { ApiTenantParam } from '../common/openapi.js';
import { AuditEventPageDto } from './dto/audit-event-response.dto.js';
import { AUDIT_CSV_COLUMNS, auditCsvRow, csvLine } from './audit-csv.js';

/** An export stops after this many events; narrower filters (since, until) read the rest. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;

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
    return this.audit.list(ctx.tenantId, auditFilterOf(query), limit, after, query.order);
  }

  @Get('export')
  @Permission('read', 'AuditEvent')
  @ApiOperation({
    summary: 'The filtered audit events as CSV, oldest first',
    description: `The list's filters, without paging. At most ${AUDIT_EXPORT_MAX_ROWS} events (the X-Export-Row-Limit header); past it the file ends with a line starting with # that says so. Cells that a spreadsheet would run as a formula start with '.`,
  })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'CSV (RFC 4180), header row first', schema: { type: 'string' } })
  async export(
    @TenantCtx() ctx: TenantContext,
    @Query() query: AuditFilterQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const slug = await this.audit.slugOf(ctx.tenantId);
    const date = new Date().toISOString().slice(0, 10);
    void reply.header('x-export-row-limit', String(AUDIT_EXPORT_MAX_ROWS));
    const events = this.audit.stream(ctx.tenantId, auditFilterOf(query), AUDIT_EXPORT_MAX_ROWS + 1);
    async function* lines(): AsyncGenerator<string> {
      yield csvLine(AUDIT_CSV_COLUMNS);
      let count = 0;
      for await (const event of events) {
        if (++count > AUDIT_EXPORT_MAX_ROWS) {
          yield `# truncated: more than ${AUDIT_EXPORT_MAX_ROWS} events match; narrow the filter (since, until) to export the rest\r\n`;
          return;
        }
        yield auditCsvRow(event);
      }
    }
    return new StreamableFile(Readable.from(lines()), {
      type: 'text/csv; charset=utf-8',
      disposition: `attachment; filename="audit-${slug}-${date}.csv"`,
    });
  }
}
