import { ApiProperty } from '@nestjs/swagger';
import { PageOf, PermissionRuleDto } from '../../common/openapi.js';

export class TeamDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Backend' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'Null for a top team' })
  parentTeamId!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TeamPageDto extends PageOf(TeamDto) {}

export class TeamMemberDto {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ example: 'grace' }) username!: string;
  @ApiProperty({ example: 'Grace Hopper' }) displayName!: string;
  @ApiProperty({ example: 'grace@example.com' }) email!: string;
  @ApiProperty({ description: 'A lead may add and remove members' }) lead!: boolean;
  @ApiProperty({ format: 'date-time' }) addedAt!: string;
}

export class TeamMemberPageDto extends PageOf(TeamMemberDto) {}

/** A member's place in a team, as adding them (or changing their lead flag) leaves it. */
export class TeamMembershipDto {
  @ApiProperty({ format: 'uuid' }) memberId!: string;
  @ApiProperty({ format: 'uuid' }) teamId!: string;
  @ApiProperty() lead!: boolean;
}

export class TeamGrantsDto {
  @ApiProperty({
    type: [PermissionRuleDto],
    description: 'Rules granted to every member of the team and of its sub-teams',
  })
  permissions!: PermissionRuleDto[];
}
