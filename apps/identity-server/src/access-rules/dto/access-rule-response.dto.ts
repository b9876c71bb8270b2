import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';
import { AppliesToDto, IpConditionDto, TimeConditionDto } from './access-rule.dto.js';

/** A saved rule: what was sent (without confirm), with its id and times. */
export class AccessRuleViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Office network only' }) name!: string;
  @ApiProperty({ enum: ['allow', 'deny'] }) effect!: 'allow' | 'deny';
  @ApiPropertyOptional({ type: IpConditionDto }) ip?: IpConditionDto;
  @ApiPropertyOptional({ type: TimeConditionDto }) time?: TimeConditionDto;
  @ApiProperty({ type: AppliesToDto, description: 'Empty lists: everyone' })
  appliesTo!: AppliesToDto;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class AccessRulePageDto extends PageOf(AccessRuleViewDto) {}
