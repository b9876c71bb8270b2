import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ActorRefDto, PageOf } from '../../common/openapi.js';

/** What a change changed, by dotted path: the values before and after. */
export class AuditChangesDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  before?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  after?: Record<string, unknown>;
}

export class AuditEventDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'member.invited' }) type!: string;
  @ApiProperty({ type: ActorRefDto }) actor!: ActorRefDto;
  @ApiProperty({ type: ActorRefDto }) target!: ActorRefDto;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ type: String, nullable: true }) ip!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiPropertyOptional({ type: AuditChangesDto }) changes?: AuditChangesDto;
}

export class AuditEventPageDto extends PageOf(AuditEventDto) {}
