import { Controller, Get, Header } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { pingWithin } from '../database/pool.js';
import { LivenessDto, ReadinessDto } from './dto/health-response.dto.js';

@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Get('live')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The process is up' })
  @ApiOkResponse({ type: LivenessDto })
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'The server can serve requests: the database answers' })
  @ApiOkResponse({ type: ReadinessDto })
  @ApiServiceUnavailableResponse({
    description: 'No database connection within 0.8 s: the database is gone or the pool exhausted',
  })
  async ready() {
    // A connection of the pool itself, within a deadline shorter than a probe's usual timeout
    // (1 s in Kubernetes): an exhausted pool is as unready as a database that is gone.
    try {
      await pingWithin(this.dataSource, READY_DEADLINE_MS);
    } catch {
      throw new DomainException(
        ErrorCode.ServiceUnavailable,
        'No database connection could be had in time',
      );
    }
    return { status: 'ok', checks: { database: 'ok' } };
  }
}

const READY_DEADLINE_MS = 800;
