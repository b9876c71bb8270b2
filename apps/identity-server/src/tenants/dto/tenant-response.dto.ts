import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';
import {
  IDENTITY_PROVIDERS,
  INVITATION_REDEMPTION,
  SETTING_BOUNDS,
  type IdentityProviderSetting,
  type InvitationRedemption,
} from '../../tenancy/settings.js';

const range = (bounds: { min: number; max: number }) => ({
  minimum: bounds.min,
  maximum: bounds.max,
});

/** The settings as stored: every field present, the defaults filled in. */
export class PasswordPolicyResponseDto {
  @ApiProperty(range(SETTING_BOUNDS.passwordMinLength)) minLength!: number;
  @ApiProperty() requireUppercase!: boolean;
  @ApiProperty() requireLowercase!: boolean;
  @ApiProperty() requireDigit!: boolean;
  @ApiProperty() requireSymbol!: boolean;
  @ApiProperty({
    ...range(SETTING_BOUNDS.preventReuse),
    description: 'Refuse the last N passwords',
  })
  preventReuse!: number;
}

export class DecisionLogSettingsResponseDto {
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    ...range(SETTING_BOUNDS.decisionLogSampleRate),
    description: 'The share of decisions logged',
  })
  sampleRate!: number;
  @ApiProperty({
    ...range(SETTING_BOUNDS.decisionLogRetentionDays),
    description: 'Entries older than this many days are deleted',
  })
  retentionDays!: number;
}

export class TenantSettingsResponseDto {
  @ApiProperty(range(SETTING_BOUNDS.invitationTtlDays)) invitationTtlDays!: number;
  @ApiProperty(range(SETTING_BOUNDS.maxMembers)) maxMembers!: number;
  @ApiProperty({ enum: IDENTITY_PROVIDERS, isArray: true })
  allowedIdentityProviders!: IdentityProviderSetting[];
  @ApiProperty({ type: [String] }) allowedEntraTenantIds!: string[];
  @ApiProperty({ enum: INVITATION_REDEMPTION }) invitationRedemption!: InvitationRedemption;
  @ApiProperty(range(SETTING_BOUNDS.sessionTtlMinutes)) sessionTtlMinutes!: number;
  @ApiProperty() mfaRequired!: boolean;
  @ApiProperty({ type: PasswordPolicyResponseDto }) passwordPolicy!: PasswordPolicyResponseDto;
  @ApiProperty({ type: DecisionLogSettingsResponseDto })
  decisionLogs!: DecisionLogSettingsResponseDto;
}

export class TenantDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Acme Corp' }) name!: string;
  @ApiProperty({ example: 'acme-corp' }) slug!: string;
  @ApiProperty({ type: TenantSettingsResponseDto }) settings!: TenantSettingsResponseDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TenantPageDto extends PageOf(TenantDto) {}

export class TenantLimitsDto {
  @ApiProperty() maxMembers!: number;
  @ApiProperty({ description: 'Active members, each holding a seat' }) members!: number;
  @ApiProperty({ description: 'Pending invitations, each holding a seat' })
  pendingInvitations!: number;
  @ApiProperty({ minimum: 0 }) seatsLeft!: number;
}
