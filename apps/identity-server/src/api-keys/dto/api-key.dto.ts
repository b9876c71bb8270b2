import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Absent, Trimmed } from '../../common/validation.js';
import { BUILT_IN_ROLE_KEYS } from '#policy';
import { RoleKey } from '../../roles/index.js';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'ci-deploy' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    default: 'viewer',
    description: `${BUILT_IN_ROLE_KEYS.join(', ')} or a custom role key`,
  })
  @Absent()
  @RoleKey()
  role?: string;

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
