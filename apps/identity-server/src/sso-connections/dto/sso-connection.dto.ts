import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsFQDN,
  IsNotEmpty,
  IsString,
  MaxLength,
} from 'class-validator';
import { Absent, NameText, Trimmed } from '../../common/validation.js';

export const MAX_ALLOWED_DOMAINS = 50;

/** Each domain trimmed and lower-cased; anything else passes through to fail its validators. */
const LowerDomains = () =>
  Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((d: unknown) => (typeof d === 'string' ? d.trim().toLowerCase() : d))
      : value,
  );

const DOMAINS_DESCRIPTION =
  'Email domains whose people may sign in through this connection (lower-cased); empty or absent: any';

export class CreateSsoConnectionDto {
  @ApiProperty({ maxLength: 100, example: 'Okta' })
  @NameText()
  name!: string;

  @ApiProperty({
    maxLength: 2048,
    example: 'https://acme.okta.com/oauth2/default',
    description: "The provider's issuer, exactly as its discovery document states it",
  })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  issuer!: string;

  @ApiProperty({ maxLength: 255, example: '0oa1b2c3d4e5f6g7h8i9' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  clientId!: string;

  @ApiProperty({ maxLength: 1024, writeOnly: true, description: 'Stored sealed; never returned' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  clientSecret!: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ALLOWED_DOMAINS,
    example: ['acme.com'],
    description: DOMAINS_DESCRIPTION,
  })
  @Absent()
  @LowerDomains()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_DOMAINS)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @IsFQDN(
    { require_tld: true },
    { each: true, message: 'each of allowedDomains must be a domain name such as acme.com' },
  )
  allowedDomains?: string[];

  @ApiPropertyOptional({ default: true })
  @Absent()
  @IsBoolean()
  enabled?: boolean;
}

/** Any field; a new clientSecret replaces the old one. */
export class UpdateSsoConnectionDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @Absent()
  @NameText()
  name?: string;

  @ApiPropertyOptional({ maxLength: 2048 })
  @Absent()
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(2048)
  issuer?: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Absent()
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  clientId?: string;

  @ApiPropertyOptional({ maxLength: 1024, writeOnly: true })
  @Absent()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  clientSecret?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_ALLOWED_DOMAINS,
    description: DOMAINS_DESCRIPTION,
  })
  @Absent()
  @LowerDomains()
  @IsArray()
  @ArrayMaxSize(MAX_ALLOWED_DOMAINS)
  @IsString({ each: true })
  @MaxLength(253, { each: true })
  @IsFQDN(
    { require_tld: true },
    { each: true, message: 'each of allowedDomains must be a domain name such as acme.com' },
  )
  allowedDomains?: string[];

  @ApiPropertyOptional()
  @Absent()
  @IsBoolean()
  enabled?: boolean;
}
