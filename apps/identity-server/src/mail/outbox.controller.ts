import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../common/decorators.js';
import { ListQueryDto } from '../common/pagination.js';
import { OutboxService } from './outbox.service.js';

@ApiTags('operations')
@Controller('api/v1/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Recent emails with their delivery state (the local outbox when SMTP_URL is not set)',
  })
  async list(@Query() query: ListQueryDto) {
    return { data: await this.outbox.listLocal(query.limit ?? 50), nextCursor: null };
  }
}
