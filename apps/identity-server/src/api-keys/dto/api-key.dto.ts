import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Absent, Trimmed } from '../../common/validation.js';
import { BUILT_IN_ROLE_KEYS, type BuiltInRoleKey } from '#policy';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'ci-deploy' })
  @Trimmed()
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
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time after which the key stops working' })
  @Absent()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
