import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../common/decorators.js';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { OutboxService } from './outbox.service.js';
import { OutboxListDto } from './dto/outbox-response.dto.js';

/** The newest messages only: the outbox is for a look at recent mail, not for paging history. */
export class OutboxQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

@ApiTags('operations')
@Controller('api/v1/outbox')
export class OutboxController {
  constructor(private readonly outbox: OutboxService) {}

  @Get()
  @OperatorOnly()
  @ApiOperation({
    summary: 'Recent emails with their delivery state (the local outbox when SMTP_URL is not set)',
  })
  @ApiOkResponse({ type: OutboxListDto })
  async list(@Query() query: OutboxQueryDto) {
    return { data: await this.outbox.listLocal(query.limit ?? 50) };
  }
}
