import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { decodeCursor, type CursorKey } from '#database';

export { pageOf } from '#database';
import { DomainException, ErrorCode } from './errors.js';

export class ListQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ description: "Opaque cursor from the previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

/** A chronological list's order (the audit trail, the decision logs). */
export class ChronologicalListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    enum: ['oldest', 'newest'],
    default: 'oldest',
    description: 'oldest first (the default), or newest first; a cursor continues in its order',
  })
  @IsOptional()
  @IsIn(['oldest', 'newest'])
  order?: 'oldest' | 'newest';
}

/** `since` and `until` over a chronological list, as RFC 3339 times. */
export class TimeRangeQueryDto {
  @ApiPropertyOptional({ description: 'RFC 3339 time; what happened at or after it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  since?: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time; what happened before it' })
  @IsOptional()
  @IsISO8601({ strict: true })
  until?: string;
}

export function timeRangeOf(query: TimeRangeQueryDto): { since?: Date; until?: Date } {
  return {
    since: query.since ? new Date(query.since) : undefined,
    until: query.until ? new Date(query.until) : undefined,
  };
}

export function pageArgs(query: ListQueryDto): { limit: number; after: CursorKey | null } {
  const limit = query.limit ?? 50;
  if (query.cursor === undefined) return { limit, after: null };
  const after = decodeCursor(query.cursor);
  if (!after)
    throw new DomainException(ErrorCode.InvalidCursor, 'The cursor is not one this server issued');
  return { limit, after };
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** Keyset pagination on (timeColumn, id): adds the "after the cursor" condition and the order. */
export function keyset<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  timeColumn: string,
  after: CursorKey | null,
  limit: number,
  /** `DESC`: newest first, the cursor walking back in time (the same index, read backwards). */
  direction: 'ASC' | 'DESC' = 'ASC',
): SelectQueryBuilder<T> {
  if (after) {
    // A row comparison, so PostgreSQL walks the (tenant_id, time, id) index from the cursor on.
    qb.andWhere(
      `(${alias}.${timeColumn}, ${alias}.id) ${direction === 'ASC' ? '>' : '<'} (:afterAt, :afterId)`,
      { afterAt: after.at, afterId: after.id },
    );
  }
  return qb
    .orderBy(`${alias}.${timeColumn}`, direction)
    .addOrderBy(`${alias}.id`, direction)
    .limit(limit + 1);
}
