import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import type { PermissionRule } from '#policy';
import { ListQueryDto } from '../../common/pagination.js';
import { Absent, DescriptionText, NameText, Raw } from '../../common/validation.js';

export class CreateTeamDto {
  @ApiProperty({ maxLength: 100, example: 'Backend' })
  @NameText()
  name!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Absent()
  @DescriptionText()
  description?: string;

  @ApiPropertyOptional({ description: 'The parent team (a department); absent for a top team' })
  @Absent()
  @IsUUID()
  parentTeamId?: string;
}

export class UpdateTeamDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @Absent()
  @NameText()
  name?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Absent()
  @DescriptionText()
  description?: string;

  @ApiPropertyOptional({
    nullable: true,
    description: 'Move under another team; null makes it a top team',
  })
  @ValidateIf((_o: object, value: unknown) => value !== undefined && value !== null)
  @IsUUID()
  parentTeamId?: string | null;
}

export class TeamQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ description: 'Only the direct sub-teams of this team' })
  @IsOptional()
  @IsUUID()
  parentTeamId?: string;
}

export const DELETE_STRATEGIES = ['refuse', 'move_up'] as const;
export type DeleteStrategy = (typeof DELETE_STRATEGIES)[number];

export class DeleteTeamQueryDto {
  @ApiPropertyOptional({
    enum: DELETE_STRATEGIES,
    default: 'refuse',
    description:
      'refuse: 409 team_not_empty when the team has sub-teams or members. move_up: sub-teams move to the deleted team’s parent and its members leave it (they stay in the organization).',
  })
  @IsOptional()
  @IsIn(DELETE_STRATEGIES)
  strategy?: DeleteStrategy;
}

export class AddTeamMemberDto {
  @ApiProperty()
  @IsUUID()
  memberId!: string;

  @ApiPropertyOptional({ default: false, description: 'A lead may add and remove members' })
  @Absent()
  @IsBoolean()
  lead?: boolean;
}

export class TeamPermissionsDto {
  @ApiProperty({
    description: 'CASL-style rules granted to every member of the team and of its sub-teams',
    type: 'array',
    items: { type: 'object', additionalProperties: true },
  })
  @Raw()
  @IsArray()
  permissions!: PermissionRule[];
}
