import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Absent } from '../../common/validation.js';
import { BUILT_IN_ROLE_KEYS, type BuiltInRoleKey } from '#policy';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'ci-deploy' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ enum: BUILT_IN_ROLE_KEYS, default: 'viewer' })
  @Absent()
  @IsIn(BUILT_IN_ROLE_KEYS)
  role?: BuiltInRoleKey;

  @ApiPropertyOptional({ description: 'RFC 3339 time after which the key stops working' })
  @Absent()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}

export class CreatePersonalKeyDto {
  @ApiProperty({ maxLength: 100, example: 'laptop cli' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time after which the key stops working' })
  @Absent()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
