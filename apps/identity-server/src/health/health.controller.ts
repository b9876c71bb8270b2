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
  @ApiServiceUnavailableResponse({ description: 'The database does not answer' })
  async ready() {
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), 2000);
    } catch {
      throw new DomainException(ErrorCode.ServiceUnavailable, 'The database does not answer');
    }
    return { status: 'ok', checks: { database: 'ok' } };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
