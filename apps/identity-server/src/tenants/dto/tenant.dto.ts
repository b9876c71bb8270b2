import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Absent, Trimmed } from '../../common/validation.js';
import {
  IDENTITY_PROVIDERS,
  INVITATION_REDEMPTION,
  SETTING_BOUNDS,
  type IdentityProviderSetting,
  type InvitationRedemption,
} from '../../tenancy/settings.js';

export const SLUG_PATTERN = /^[a-z0-9-]{2,63}$/;

export class PasswordPolicyDto {
  @ApiPropertyOptional({
    minimum: SETTING_BOUNDS.passwordMinLength.min,
    maximum: SETTING_BOUNDS.passwordMinLength.max,
    default: 12,
  })
  @Absent()
  @IsInt()
  @Min(SETTING_BOUNDS.passwordMinLength.min)
  @Max(SETTING_BOUNDS.passwordMinLength.max)
  minLength?: number;

  @ApiPropertyOptional({ default: false }) @Absent() @IsBoolean() requireUppercase?: boolean;
  @ApiPropertyOptional({ default: false }) @Absent() @IsBoolean() requireLowercase?: boolean;
  @ApiPropertyOptional({ default: false }) @Absent() @IsBoolean() requireDigit?: boolean;
  @ApiPropertyOptional({ default: false }) @Absent() @IsBoolean() requireSymbol?: boolean;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: SETTING_BOUNDS.preventReuse.max,
    default: 0,
    description: 'Refuse the last N passwords',
  })
  @Absent()
  @IsInt()
  @Min(SETTING_BOUNDS.preventReuse.min)
  @Max(SETTING_BOUNDS.preventReuse.max)
  preventReuse?: number;
}

export class DecisionLogSettingsDto {
  @ApiPropertyOptional({ default: false, description: "Log the tenant's policy decisions" })
  @Absent()
  @IsBoolean()
  enabled?: boolean;

  @ApiPropertyOptional({
    minimum: SETTING_BOUNDS.decisionLogSampleRate.min,
    maximum: SETTING_BOUNDS.decisionLogSampleRate.max,
    default: 1,
    description: 'The share of decisions logged: 1 logs every one, 0.1 one in ten',
  })
  @Absent()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(SETTING_BOUNDS.decisionLogSampleRate.min)
  @Max(SETTING_BOUNDS.decisionLogSampleRate.max)
  sampleRate?: number;

  @ApiPropertyOptional({
    minimum: SETTING_BOUNDS.decisionLogRetentionDays.min,
    maximum: SETTING_BOUNDS.decisionLogRetentionDays.max,
    default: 30,
    description: 'Entries older than this many days are deleted',
  })
  @Absent()
  @IsInt()
  @Min(SETTING_BOUNDS.decisionLogRetentionDays.min)
  @Max(SETTING_BOUNDS.decisionLogRetentionDays.max)
  retentionDays?: number;
}

export class TenantSettingsDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 30, default: 7 })
  @Absent()
  @IsInt()
  @Min(SETTING_BOUNDS.invitationTtlDays.min)
  @Max(SETTING_BOUNDS.invitationTtlDays.max)
  invitationTtlDays?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: SETTING_BOUNDS.maxMembers.max, default: 10 })
  @Absent()
  @IsInt()
  @Min(SETTING_BOUNDS.maxMembers.min)
  @Max(SETTING_BOUNDS.maxMembers.max)
  maxMembers?: number;

  @ApiPropertyOptional({ enum: IDENTITY_PROVIDERS, isArray: true, default: ['any'] })
  @Absent()
  @ArrayMinSize(1)
  @ArrayMaxSize(IDENTITY_PROVIDERS.length)
  @ArrayUnique()
  @IsIn(IDENTITY_PROVIDERS, { each: true })
  allowedIdentityProviders?: IdentityProviderSetting[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: 50,
    default: [],
    description:
      'Entra ID directories (tenant ids) whose people may sign in with Microsoft here; empty allows every directory',
  })
  @Absent()
  @ArrayMaxSize(50)
  @ArrayUnique()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    each: true,
    message: 'each of allowedEntraTenantIds must be a directory id (a GUID)',
  })
  allowedEntraTenantIds?: string[];

  @ApiPropertyOptional({
    enum: INVITATION_REDEMPTION,
    default: 'invitee',
    description:
      'invitee: only the identity an invitation was sent to may redeem it; anyone_with_link: whoever holds the link',
  })
  @Absent()
  @IsIn(INVITATION_REDEMPTION)
  invitationRedemption?: InvitationRedemption;

  @ApiPropertyOptional({
    minimum: SETTING_BOUNDS.sessionTtlMinutes.min,
    maximum: SETTING_BOUNDS.sessionTtlMinutes.max,
    default: 1440,
  })
  @Absent()
  @IsInt()
  @Min(SETTING_BOUNDS.sessionTtlMinutes.min)
  @Max(SETTING_BOUNDS.sessionTtlMinutes.max)
  sessionTtlMinutes?: number;

  @ApiPropertyOptional({ default: false })
  @Absent()
  @IsBoolean()
  mfaRequired?: boolean;

  @ApiPropertyOptional({ type: PasswordPolicyDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => PasswordPolicyDto)
  passwordPolicy?: PasswordPolicyDto;

  @ApiPropertyOptional({ type: DecisionLogSettingsDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => DecisionLogSettingsDto)
  decisionLogs?: DecisionLogSettingsDto;
}

export class CreateTenantDto {
  @ApiProperty({ maxLength: 200, example: 'Acme Corp' })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiPropertyOptional({
    pattern: SLUG_PATTERN.source,
    description: 'Derived from the name if absent',
    example: 'acme',
  })
  @Absent()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'slug must be 2 to 63 characters of a-z, 0-9 and -' })
  slug?: string;

  @ApiPropertyOptional({ type: TenantSettingsDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @Absent()
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ pattern: SLUG_PATTERN.source })
  @Absent()
  @IsString()
  @Matches(SLUG_PATTERN, { message: 'slug must be 2 to 63 characters of a-z, 0-9 and -' })
  slug?: string;

  @ApiPropertyOptional({ type: TenantSettingsDto, description: 'Merged into the current settings' })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => TenantSettingsDto)
  settings?: TenantSettingsDto;

  @ApiPropertyOptional({
    description:
      'Save a sign-in policy that your own current sign-in does not satisfy (you would get sso_required here)',
  })
  @Absent()
  @IsBoolean()
  confirm?: boolean;
}
