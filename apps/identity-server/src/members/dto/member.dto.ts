import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { BUILT_IN_ROLE_KEYS } from '#policy';
import { RoleKey } from '../../roles/index.js';
import { ListQueryDto } from '../../common/pagination.js';
import { Absent } from '../../common/validation.js';
import {
  MEMBERSHIP_STATUSES,
  SETTABLE_STATUSES,
  type MembershipStatus,
} from '../membership-status.js';

export class MemberQueryDto extends ListQueryDto {
  @ApiPropertyOptional({
    example: 'manager',
    description: `${BUILT_IN_ROLE_KEYS.join(', ')} or a custom role key`,
  })
  @IsOptional()
  @RoleKey()
  role?: string;

  @ApiPropertyOptional({ enum: MEMBERSHIP_STATUSES, description: 'Default: active and suspended' })
  @IsOptional()
  @IsIn(MEMBERSHIP_STATUSES)
  status?: MembershipStatus;

  @ApiPropertyOptional({ description: 'Members of this team or of any of its sub-teams' })
  @IsOptional()
  @IsUUID()
  teamId?: string;

  @ApiPropertyOptional({ description: 'Prefix of the username, email or display name (any case)' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class UpdateMemberDto {
  @ApiPropertyOptional({
    example: 'manager',
    description: `${BUILT_IN_ROLE_KEYS.join(', ')} or a custom role key`,
  })
  @Absent()
  @RoleKey()
  role?: string;

  @ApiPropertyOptional({ enum: SETTABLE_STATUSES })
  @Absent()
  @IsIn(SETTABLE_STATUSES)
  status?: (typeof SETTABLE_STATUSES)[number];
}
