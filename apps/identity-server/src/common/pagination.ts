import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { decodeCursor, type CursorKey } from '#database';
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
