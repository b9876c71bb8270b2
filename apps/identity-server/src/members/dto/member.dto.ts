import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { BUILT_IN_ROLE_KEYS, type BuiltInRoleKey } from '#policy';
import { ListQueryDto } from '../../common/pagination.js';
import { Absent } from '../../common/validation.js';
import { MEMBERSHIP_STATUSES, type MembershipStatus } from '../membership.entity.js';

export class MemberQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: BUILT_IN_ROLE_KEYS })
  @IsOptional()
  @IsIn(BUILT_IN_ROLE_KEYS)
  role?: BuiltInRoleKey;

  @ApiPropertyOptional({ enum: MEMBERSHIP_STATUSES, description: 'Default: active and suspended' })
  @IsOptional()
  @IsIn(MEMBERSHIP_STATUSES)
  status?: MembershipStatus;

  @ApiPropertyOptional({
    description: 'Members of this team (teams arrive with the teams feature)',
  })
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
  @ApiPropertyOptional({ enum: BUILT_IN_ROLE_KEYS })
  @Absent()
  @IsIn(BUILT_IN_ROLE_KEYS)
  role?: BuiltInRoleKey;

  @ApiPropertyOptional({ enum: ['active', 'suspended'] })
  @Absent()
  @IsIn(['active', 'suspended'])
  status?: 'active' | 'suspended';
}
