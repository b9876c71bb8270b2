import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination.js';
import { registerFastCheck } from '../../common/validation.js';

/** PUT body; the values are checked by the catalog's own rules (catalog.ts), in one pass. */
export class PutResourceDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Attributes for policy conditions: at most 16 KB as JSON, 6 levels deep; not id, type, ownerMemberId or teamId',
  })
  @IsOptional()
  properties?: unknown;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  ownerMemberId?: unknown;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  teamId?: unknown;
}

// The body reaches the catalog's rules as it was sent: class-transformer, walking `properties`
// into new objects, reads a `constructor` key as a class to build and drops it, so a property the
// catalog refuses would be stored without it. Only a body with other keys (refused by the pipe's
// whitelist, with its wording) or that is not an object goes through the pipe.
registerFastCheck(PutResourceDto, (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const body = value as Record<string, unknown>;
  for (const key of Object.keys(body))
    if (key !== 'properties' && key !== 'ownerMemberId' && key !== 'teamId') return undefined;
  const put: PutResourceDto = {};
  if (body.properties !== undefined) put.properties = body.properties;
  if (body.ownerMemberId !== undefined) put.ownerMemberId = body.ownerMemberId;
  if (body.teamId !== undefined) put.teamId = body.teamId;
  return put;
});

export class ResourceListQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Only resources of this type' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  type?: string;
}

export class ResourceDto {
  @ApiProperty() type!: string;
  @ApiProperty() id!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) properties!: Record<string, unknown>;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) ownerMemberId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) teamId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ResourcePageDto {
  @ApiProperty({ type: [ResourceDto] }) data!: ResourceDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

class ImportErrorDto {
  @ApiProperty() line!: number;
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
}

export class ImportSummaryDto {
  @ApiProperty() received!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty() failed!: number;
  @ApiProperty({ type: [ImportErrorDto], description: 'The first 100' }) errors!: ImportErrorDto[];
}
