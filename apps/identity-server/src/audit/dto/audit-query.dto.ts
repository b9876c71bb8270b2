import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import {
  ChronologicalListQueryDto,
  TimeRangeQueryDto,
  timeRangeOf,
} from '../../common/pagination.js';
import type { AuditFilter } from '../audit.service.js';

/** At most this many types or prefixes in one `type` filter. */
export const MAX_AUDIT_TYPES = 20;
const ONE_TYPE = '[a-z][a-z0-9_.]{0,63}(\\.\\*)?';
const TYPE_LIST = new RegExp(`^${ONE_TYPE}(,${ONE_TYPE}){0,${MAX_AUDIT_TYPES - 1}}$`);

/** The filters of the audit trail, shared by the list and its CSV export (which has no paging). */
export class AuditFilterQueryDto extends TimeRangeQueryDto {
  @ApiPropertyOptional({
    description: `Event type, e.g. \`apikey.created\`, or a prefix such as \`apikey.*\`; or a comma-separated list of up to ${MAX_AUDIT_TYPES} of them (any matches), e.g. \`auth.login.failed,mfa.*\``,
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_AUDIT_TYPES * 67)
  @Matches(TYPE_LIST, {
    message: `type must be an event type such as apikey.created or apikey.*, or a comma-separated list of at most ${MAX_AUDIT_TYPES}`,
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
}

/** The list's query: the filters, the paging and the order. */
export class AuditQueryDto extends IntersectionType(
  ChronologicalListQueryDto,
  AuditFilterQueryDto,
) {}

export function auditFilterOf(query: AuditFilterQueryDto): AuditFilter {
  return {
    types: query.type ? [...new Set(query.type.split(','))] : undefined,
    actorId: query.actorId,
    targetId: query.targetId,
    ...timeRangeOf(query),
  };
}
