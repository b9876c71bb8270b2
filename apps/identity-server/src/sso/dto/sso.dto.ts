import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { Absent } from '../../common/validation.js';
import { SSO_PROVIDERS } from '../external-identity.js';

export class SsoExchangeDto {
  @ApiProperty({ description: 'The code the callback put in returnTo (single use, 60 s)' })
  @IsString()
  @MaxLength(200)
  code!: string;

  @ApiPropertyOptional({
    description:
      'A TOTP code, when the account has TOTP and the provider asserted no second factor',
  })
  @Absent()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be 6 digits' })
  totp?: string;

  @ApiPropertyOptional({ description: 'A recovery code instead of totp' })
  @Absent()
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;
}

export class ProvidersQueryDto {
  @ApiPropertyOptional({ description: 'An invitation token: only the providers it allows' })
  @Absent()
  @IsString()
  @MaxLength(200)
  invitation?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A tenant: its sign-in policy and its OIDC connections',
  })
  @Absent()
  @IsUUID()
  tenant?: string;
}

export class LinkIdentityDto {
  @ApiProperty({ enum: SSO_PROVIDERS })
  @IsIn(SSO_PROVIDERS)
  provider!: (typeof SSO_PROVIDERS)[number];

  @ApiPropertyOptional({ format: 'uuid', description: 'With provider "oidc": the connection' })
  @IsOptional()
  @IsUUID()
  connectionId?: string;

  @ApiPropertyOptional({ description: 'A path on this server to come back to (default /)' })
  @Absent()
  @IsString()
  @MaxLength(2048)
  returnTo?: string;
}

export class SignInOptionDto {
  @ApiProperty({ enum: ['password', ...SSO_PROVIDERS] }) kind!: string;
  @ApiProperty({ description: 'password, google, microsoft, or oidc:{connectionId}' }) id!: string;
  @ApiProperty({ example: 'Google' }) name!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Where the sign-in page sends the browser (add returnTo); null for password',
  })
  startUrl!: string | null;
}

export class SignInOptionsDto {
  @ApiProperty({ type: [SignInOptionDto] }) providers!: SignInOptionDto[];
}

export class LinkStartDto {
  @ApiProperty({ description: "Send the browser here: the provider's sign-in page" })
  redirectUrl!: string;
}

export class IdentityDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['password', ...SSO_PROVIDERS] }) provider!: string;
  @ApiProperty({ type: String, nullable: true, description: 'Entra tid, or the OIDC connection' })
  directoryId!: string | null;
  @ApiProperty({ type: String, nullable: true }) email!: string | null;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
}

export class IdentityListDto {
  @ApiProperty({ type: [IdentityDto] }) data!: IdentityDto[];
}
