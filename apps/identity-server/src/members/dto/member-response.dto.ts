import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';
import { PROFILE_FIELDS } from '../member-fields.js';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../membership-status.js';

export class MemberDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The account; null until the person signs in (a member provisioned by SCIM)',
  })
  userId!: string | null;
  @ApiProperty({ example: 'grace@example.com' }) email!: string;
  @ApiProperty({ example: 'developer' }) role!: string;
  @ApiProperty({ enum: MEMBERSHIP_STATUSES }) status!: MembershipStatus;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', format: 'uuid' },
    description: 'The teams the member is directly in',
  })
  teams!: string[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastActiveAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

// The profile columns the members API shows (username, displayName, ...), from the one table.
for (const field of PROFILE_FIELDS) {
  if (field.api === null) continue;
  const shown = 'apiValue' in field || field.required;
  ApiProperty({
    type: String,
    ...(shown ? {} : { nullable: true }),
    maxLength: field.maxLength,
    ...('example' in field ? { example: field.example } : {}),
  })(MemberDto.prototype, field.api);
}

export class MemberPageDto extends PageOf(MemberDto) {}
