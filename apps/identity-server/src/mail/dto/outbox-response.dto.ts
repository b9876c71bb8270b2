import { ApiProperty } from '@nestjs/swagger';
import type { OutboxStatus } from '../outbox-message.entity.js';

/** Every OutboxStatus, for the document (the entity declares only the type). */
const OUTBOX_STATUSES = ['pending', 'sent', 'failed', 'local'] as const satisfies OutboxStatus[];

/** Where an email stands: `local` when no SMTP server is configured (the operator reads it). */
export class DeliveryDto {
  @ApiProperty({ enum: OUTBOX_STATUSES }) status!: OutboxStatus;
  @ApiProperty() attempts!: number;
  @ApiProperty({ type: String, nullable: true }) lastError!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sentAt!: string | null;
}

export class OutboxMessageDto extends DeliveryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenantId!: string;
  @ApiProperty({ format: 'email' }) to!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() subject!: string;
  @ApiProperty() text!: string;
  @ApiProperty() html!: string;
}

/** The newest messages; not paged (no nextCursor). */
export class OutboxListDto {
  @ApiProperty({ type: [OutboxMessageDto] }) data!: OutboxMessageDto[];
}
