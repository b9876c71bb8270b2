import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Absent, Trimmed, TrimmedLower } from '../../common/validation.js';

export class SignupDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @TrimmedLower()
  @IsString()
  @MaxLength(254)
  @IsEmail(
    { allow_display_name: false, require_tld: false },
    { message: 'email must be an email address' },
  )
  email!: string;

  @ApiProperty({ minLength: 8, maxLength: 256, description: 'Checked against the password policy' })
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ maxLength: 200, example: 'Ada Lovelace' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName!: string;

  @ApiPropertyOptional({
    maxLength: 512,
    example: '/invite/inv_…?accept=1',
    description:
      'A path on this server that the emailed link goes on to once the account exists (e.g. the invitation the person signed up from)',
  })
  @Absent()
  @IsString()
  @MaxLength(512)
  // Printable ASCII but the backslash, and not `//host`: a path here, never another site.
  @Matches(/^\/(?![/\\])[!-[\]-~]*$/, {
    message: 'next must be a path on this server, such as /invite/…',
  })
  next?: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @TrimmedLower()
  @IsString()
  @MaxLength(254)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;

  @ApiPropertyOptional({
    description: 'The current code of an enrolled authenticator app',
    example: '123456',
  })
  @Absent()
  @IsString()
  @MaxLength(16)
  totp?: string;

  @ApiPropertyOptional({ description: 'A one-time recovery code, instead of totp' })
  @Absent()
  @IsString()
  @MaxLength(64)
  recoveryCode?: string;
}

export class RefreshDto {
  /**
   * Optional in the document, required by the validation: in cookie mode (X-Refresh-Cookie: 1)
   * RefreshCookie puts the cookie's token here before the body is validated.
   */
  @ApiPropertyOptional({
    description:
      'The refresh token; leave it out in cookie mode (X-Refresh-Cookie: 1), where the refresh_token cookie is traded',
  })
  @IsString()
  @MaxLength(256)
  refreshToken!: string;
}

export class NotificationPrefsDto {
  @ApiPropertyOptional() @Absent() @IsBoolean() securityAlerts?: boolean;
  @ApiPropertyOptional() @Absent() @IsBoolean() productUpdates?: boolean;
}

export class UpdateProfileDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Absent()
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uri',
    maxLength: 2048,
    nullable: true,
    description: 'https URL, or null to remove',
  })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @MaxLength(2048)
  @IsUrl(
    { protocols: ['https'], require_protocol: true },
    { message: 'avatarUrl must be an https URL' },
  )
  avatarUrl?: string | null;

  @ApiPropertyOptional({ example: 'Europe/Paris', description: 'An IANA time zone' })
  @Absent()
  @IsString()
  @MaxLength(64)
  @Matches(/^[A-Za-z0-9_+\-/]+$/, {
    message: 'timezone must be an IANA time zone such as Europe/Paris',
  })
  timezone?: string;

  @ApiPropertyOptional({ type: NotificationPrefsDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => NotificationPrefsDto)
  notificationPrefs?: NotificationPrefsDto;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  newPassword!: string;
}

export class MfaCodeDto {
  @ApiProperty({
    description: 'A code from the authenticator app, or (to disable) a recovery code',
    example: '123456',
  })
  @IsString()
  @MaxLength(64)
  code!: string;
}
