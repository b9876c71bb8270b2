import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination.js';
import type { AuditFilter } from '../audit.service.js';

export class AuditQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    description: 'Event type, e.g. `apikey.created`, or a prefix such as `apikey.*`',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  @Matches(/^[a-z][a-z0-9_.]*(\.\*)?$/, {
    message: 'type must be an event type such as apikey.created or apikey.*',
  })
  type?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  actorId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  targetId?: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time; events at or after it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time; events before it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export function auditFilterOf(query: AuditQueryDto): AuditFilter {
  return {
    type: query.type,
    actorId: query.actorId,
    targetId: query.targetId,
    since: query.since ? new Date(query.since) : undefined,
    until: query.until ? new Date(query.until) : undefined,
  };
}
