import { ApiProperty } from '@nestjs/swagger';
import { ActorRefDto, PageOf } from '../../common/openapi.js';
import { DeliveryDto } from '../../mail/dto/outbox-response.dto.js';
import { INVITATION_PROVIDERS, type InvitationProvider } from '../invitation.entity.js';
import { INVITATION_STATUSES, type InvitationStatus } from './invitation.dto.js';

export class InvitationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'grace@example.com' }) email!: string;
  @ApiProperty({ example: 'grace' }) username!: string;
  @ApiProperty({ example: 'developer' }) role!: string;
  @ApiProperty({ enum: INVITATION_PROVIDERS }) identityProvider!: InvitationProvider;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The Entra ID directory a Microsoft sign-in must come from',
  })
  entraTenantId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Where the email went, if not email' })
  notificationEmail!: string | null;
  @ApiProperty({ enum: INVITATION_STATUSES }) status!: InvitationStatus;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: ActorRefDto }) invitedBy!: ActorRefDto;
  @ApiProperty({
    type: DeliveryDto,
    nullable: true,
    description: 'The invitation email; null when the outbox holds none for it',
  })
  delivery!: DeliveryDto | null;
}

/** Only on create and resend: the link is not stored and cannot be read again. */
export class InvitationWithLinkDto extends InvitationDto {
  @ApiProperty({ format: 'uri' }) inviteUrl!: string;
}

export class InvitationPageDto extends PageOf(InvitationDto) {}

/** What the link shows before signing in. */
export class InvitationPreviewDto {
  @ApiProperty({ example: 'Acme Corp' }) tenantName!: string;
  @ApiProperty({ example: 'developer' }) role!: string;
  @ApiProperty({ enum: INVITATION_PROVIDERS }) identityProvider!: InvitationProvider;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'With microsoft: the Entra directory (tenant id) the invitee must sign in from',
  })
  entraTenantId!: string | null;
  @ApiProperty({
    example: 'g***@example.com',
    description: 'The invited address, masked for display: its first character and its domain',
  })
  email!: string;
  @ApiProperty({
    example: 'Ada Admin',
    description:
      'Who invited, as the invitation email names them: a display name, an API key name or "The platform operator"',
  })
  invitedBy!: string;
  @ApiProperty({ enum: INVITATION_STATUSES }) status!: InvitationStatus;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class AcceptedInvitationDto {
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ example: 'developer' }) role!: string;
}
