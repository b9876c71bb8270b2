import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { WEEKDAYS, type Weekday } from '#policy';
import { Absent, Trimmed } from '../../common/validation.js';

export class IpConditionDto {
  @ApiProperty({ type: [String], example: ['203.0.113.0/24', '2001:db8::/32'] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  cidrs!: string[];
}

export class TimeConditionDto {
  @ApiProperty({ example: 'Europe/Paris' })
  @IsString()
  @MaxLength(64)
  timezone!: string;

  @ApiProperty({ enum: WEEKDAYS, isArray: true })
  @IsArray()
  @ArrayMaxSize(7)
  @IsIn(WEEKDAYS, { each: true })
  days!: Weekday[];

  @ApiProperty({ example: '08:00' })
  @IsString()
  @MaxLength(5)
  start!: string;

  @ApiProperty({ example: '18:00', description: 'Before start: the window runs past midnight' })
  @IsString()
  @MaxLength(5)
  end!: string;
}

export class AppliesToDto {
  @ApiPropertyOptional({ type: [String] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  roles?: string[];
  @ApiPropertyOptional({ type: [String] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(200)
  @IsUUID('all', { each: true })
  teamIds?: string[];
  @ApiPropertyOptional({ type: [String] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  memberIds?: string[];
  @ApiPropertyOptional({ type: [String] })
  @Absent()
  @IsArray()
  @ArrayMaxSize(1000)
  @IsUUID('all', { each: true })
  apiKeyIds?: string[];
}

export class AccessRuleDto {
  @ApiProperty({ maxLength: 100 })
  @Trimmed()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiProperty({ enum: ['allow', 'deny'] })
  @IsIn(['allow', 'deny'])
  effect!: 'allow' | 'deny';

  @ApiPropertyOptional({ type: IpConditionDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => IpConditionDto)
  ip?: IpConditionDto;

  @ApiPropertyOptional({ type: TimeConditionDto })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => TimeConditionDto)
  time?: TimeConditionDto;

  @ApiPropertyOptional({ type: AppliesToDto, description: 'Empty: everyone' })
  @Absent()
  @IsObject()
  @ValidateNested()
  @Type(() => AppliesToDto)
  appliesTo?: AppliesToDto;

  @ApiPropertyOptional({
    description: 'Save even though the rule would lock you out, or allows every address',
  })
  @Absent()
  @IsBoolean()
  confirm?: boolean;
}
