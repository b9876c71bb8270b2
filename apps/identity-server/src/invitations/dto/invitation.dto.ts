import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { BUILT_IN_ROLE_KEYS } from '#policy';
import { RoleKey } from '../../roles/index.js';
import { ListQueryDto } from '../../common/pagination.js';
import { Absent, TrimmedLower } from '../../common/validation.js';
import { INVITATION_PROVIDERS, type InvitationProvider } from '../invitation.entity.js';

export const INVITATION_STATUSES = ['pending', 'accepted', 'expired', 'revoked'] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

export class CreateInvitationDto {
  @ApiProperty({ example: 'grace@example.com' })
  @TrimmedLower()
  @IsString()
  @MaxLength(254)
  @IsEmail({ require_tld: false }, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({
    example: 'grace',
    description: 'Unique in the tenant, any case; letters, digits, . _ -',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, {
    message: 'username must be 1 to 100 of letters, digits, . _ -',
  })
  username!: string;

  @ApiProperty({
    example: 'member',
    description: `${BUILT_IN_ROLE_KEYS.join(', ')} or a custom role key`,
  })
  @RoleKey()
  role!: string;

  @ApiPropertyOptional({ enum: INVITATION_PROVIDERS, default: 'any' })
  @Absent()
  @IsIn(INVITATION_PROVIDERS)
  identityProvider?: InvitationProvider;

  @ApiPropertyOptional({
    description: 'Entra ID directory (tenant) id the invitee must sign in from',
  })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @IsString()
  @Matches(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, {
    message: 'entraTenantId must be a directory id (a GUID)',
  })
  entraTenantId?: string | null;

  @ApiPropertyOptional({ description: 'Send the email here instead of to email' })
  @ValidateIf((_o: object, v: unknown) => v !== undefined && v !== null)
  @TrimmedLower()
  @IsString()
  @MaxLength(254)
  @IsEmail({ require_tld: false }, { message: 'notificationEmail must be an email address' })
  notificationEmail?: string | null;
}

export class InvitationQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: INVITATION_STATUSES })
  @IsOptional()
  @IsIn(INVITATION_STATUSES)
  status?: InvitationStatus;
}
