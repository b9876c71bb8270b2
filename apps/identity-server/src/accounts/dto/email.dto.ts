import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength } from 'class-validator';
import { TokenPairDto } from '../../auth/index.js';
import { TrimmedLower } from '../../common/validation.js';

export class EmailLinkDto {
  @ApiProperty({ description: 'The token from the link in the email' })
  @IsString()
  @MaxLength(256)
  token!: string;
}

export class PasswordResetRequestDto {
  @ApiProperty({ example: 'ada@example.com', maxLength: 254 })
  @TrimmedLower()
  @IsString()
  @MaxLength(254)
  @IsEmail(
    { allow_display_name: false, require_tld: false },
    { message: 'email must be an email address' },
  )
  email!: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The token from the link in the email' })
  @IsString()
  @MaxLength(256)
  token!: string;

  @ApiProperty({ description: "The new password, checked against the account's password policy" })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class VerificationSentDto {
  @ApiProperty({ enum: ['verification_sent'] }) status!: 'verification_sent';
  @ApiProperty({ example: 'Check your email to finish signing up' }) message!: string;
  @ApiProperty({
    enum: ['email', 'outbox'],
    description:
      '`outbox` when the server has no SMTP_URL: the email waits in the local outbox, which the operator reads',
  })
  delivery!: 'email' | 'outbox';
}

export class ResetSentDto {
  @ApiProperty({ enum: ['reset_sent'] }) status!: 'reset_sent';
  @ApiProperty({ enum: ['email', 'outbox'], description: 'As in sign-up' })
  delivery!: 'email' | 'outbox';
}

export class VerifiedEmailDto {
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty({ enum: [true] }) emailVerified!: true;
  @ApiProperty({
    type: TokenPairDto,
    nullable: true,
    description: 'A new session when the link finished a sign-up; null when it verified an account',
  })
  signedIn!: TokenPairDto | null;
}
