import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../common/pagination.js';
import { Raw } from '../../common/validation.js';

/** PUT body; the values are checked by the catalog's own rules (catalog.ts), in one pass. */
export class PutResourceDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Attributes for policy conditions: at most 16 KB as JSON, 6 levels deep; not id, type, ownerMemberId or teamId',
  })
  @Raw()
  @IsOptional()
  properties?: unknown;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  ownerMemberId?: unknown;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  teamId?: unknown;
}

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
