import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Absent, Trimmed } from '../../common/validation.js';

export class CreateScimTokenDto {
  @ApiProperty({ maxLength: 100, example: 'Microsoft Entra ID' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'RFC 3339 time after which the token stops working' })
  @Absent()
  @IsISO8601({ strict: true })
  expiresAt?: string;
}
