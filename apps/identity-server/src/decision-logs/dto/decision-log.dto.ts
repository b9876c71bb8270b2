import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { PageOf } from '../../common/openapi.js';
import {
  ChronologicalListQueryDto,
  TimeRangeQueryDto,
  timeRangeOf,
} from '../../common/pagination.js';
import type { DecisionLogFilter } from '../decision-log.service.js';

export class DecisionLogQueryDto extends IntersectionType(
  ChronologicalListQueryDto,
  TimeRangeQueryDto,
) {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Only allowed, or only denied' })
  @IsOptional()
  @IsIn(['true', 'false'])
  decision?: 'true' | 'false';

  @ApiPropertyOptional({ description: "The subject's id (subject.id)" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  subjectId?: string;

  @ApiPropertyOptional({ description: "The resource's type (resource.type)" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  resourceType?: string;

  @ApiPropertyOptional({ description: "The resource's id (resource.id)" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  resourceId?: string;

  @ApiPropertyOptional({ description: "The action's name (action.name)" })
  @IsOptional()
  @IsString()
  @MaxLength(256)
  actionName?: string;

  @ApiPropertyOptional({ description: 'The X-Request-ID of the request that asked' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  requestId?: string;
}

export function decisionLogFilterOf(query: DecisionLogQueryDto): DecisionLogFilter {
  return {
    decision: query.decision === undefined ? undefined : query.decision === 'true',
    subjectId: query.subjectId,
    resourceType: query.resourceType,
    resourceId: query.resourceId,
    actionName: query.actionName,
    requestId: query.requestId,
    ...timeRangeOf(query),
  };
}

const anyJson = {
  description: 'As given to the decision (JSON values over 8 KB: { truncated: true })',
};

export class DecisionLogDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ example: 'authorize' }) endpoint!: string;
  @ApiProperty() decision!: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true, ...anyJson }) subject!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, ...anyJson }) action!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, ...anyJson }) resource!: unknown;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, ...anyJson })
  context!: unknown;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'Why the decision went as it did',
  })
  reason!: unknown;
}

export class DecisionLogPageDto extends PageOf(DecisionLogDto) {}
