import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIP,
  IsISO8601,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Absent } from '../../common/validation.js';

export class DecisionContextDto {
  @ApiPropertyOptional({ description: 'The client address to decide for' })
  @Absent()
  @IsIP()
  ip?: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time to decide at (default: now)' })
  @Absent()
  @IsISO8601({ strict: true })
  time?: string;
}

export class AuthorizeDto {
  @ApiProperty()
  @IsUUID()
  memberId!: string;

  @ApiProperty({ example: 'read' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  action!: string;

  @ApiPropertyOptional({ description: 'One field of the subject, for rules that name fields' })
  @Absent()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  field?: string;

  @ApiProperty({
    example: { type: 'Document', ownerId: '…' },
    description: '`type` and the attributes that rule conditions read',
  })
  @IsObject()
  subject!: Record<string, unknown>;

  @ApiPropertyOptional({ type: DecisionContextDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => DecisionContextDto)
  context?: DecisionContextDto;
}

export class AuthorizeBatchDto {
  @ApiProperty({ type: [AuthorizeDto], maxItems: 100 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  // ValidateNested alone lets an item that is an array through (it validates that array's items).
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AuthorizeDto)
  checks!: AuthorizeDto[];
}
