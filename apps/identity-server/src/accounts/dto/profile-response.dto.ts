import { ApiProperty } from '@nestjs/swagger';

export class NotificationPrefsResponseDto {
  @ApiProperty() securityAlerts!: boolean;
  @ApiProperty() productUpdates!: boolean;
}

/** One tenant the person belongs to, with their membership and role there. */
export class ProfileTenantDto {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ example: 'Acme Corp' }) name!: string;
  @ApiProperty({ example: 'acme-corp' }) slug!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ example: 'admin' }) role!: string;
}

export class ProfileDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'ada@example.com' }) email!: string;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ example: 'Ada Lovelace' }) displayName!: string;
  @ApiProperty({ type: String, format: 'uri', nullable: true }) avatarUrl!: string | null;
  @ApiProperty({ example: 'Europe/Paris' }) timezone!: string;
  @ApiProperty({ type: NotificationPrefsResponseDto })
  notificationPrefs!: NotificationPrefsResponseDto;
  @ApiProperty() mfaEnabled!: boolean;
  @ApiProperty({ type: [String], example: ['password'] }) signInMethods!: string[];
  @ApiProperty({ type: [ProfileTenantDto] }) tenants!: ProfileTenantDto[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class MfaEnrolmentDto {
  @ApiProperty({ example: 'otpauth://totp/Identity%20server:ada%40example.com?secret=…' })
  otpauthUri!: string;
  @ApiProperty({ description: 'The same seed in base32, for typing in by hand' }) secret!: string;
}

export class RecoveryCodesDto {
  @ApiProperty({ type: [String], description: 'Ten single-use codes, shown this once' })
  recoveryCodes!: string[];
}
