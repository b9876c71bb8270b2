import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PolicyDecisionCode } from '#policy';
import { PermissionRuleDto } from '../../common/openapi.js';

/** Every reason a decision can give, for the document (#policy declares only the type). */
const DECISION_CODES = [
  'allowed_by_role',
  'allowed_by_team',
  'denied_by_rule',
  'no_matching_rule',
  'denied_by_access_rule',
  'outside_allowed_access',
  'member_not_active',
] as const satisfies (PolicyDecisionCode | 'member_not_active')[];

export class AccessRuleRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
}

export class DecisionReasonDto {
  @ApiProperty({ enum: DECISION_CODES }) code!: (typeof DECISION_CODES)[number];
  @ApiProperty({ description: 'The member’s role', example: 'developer' }) role!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The team whose grant decided' })
  teamId?: string;
  @ApiPropertyOptional({ type: PermissionRuleDto, description: 'The rule that decided' })
  rule?: PermissionRuleDto;
  @ApiPropertyOptional({ type: AccessRuleRefDto, description: 'The access rule that refused' })
  accessRule?: AccessRuleRefDto;
}

export class DecisionDto {
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ type: DecisionReasonDto }) reason!: DecisionReasonDto;
}

export class DecisionBatchDto {
  @ApiProperty({ type: [DecisionDto], description: 'In the order of the checks' })
  results!: DecisionDto[];
}
