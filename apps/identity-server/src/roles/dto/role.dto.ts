import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { IsArray, IsString, Matches } from 'class-validator';
import { BUILT_IN_ROLE_KEYS, type PermissionRule } from '#policy';
import { Absent, DescriptionText, NameText, Raw } from '../../common/validation.js';

export const ROLE_KEY = /^[a-z][a-z0-9_-]{1,63}$/;

/** A role key in a request body: a built-in key or one of the tenant's own (checked on write). */
export const RoleKey = () =>
  applyDecorators(
    IsString(),
    Matches(ROLE_KEY, {
      message: `role must be a built-in role (${BUILT_IN_ROLE_KEYS.join(', ')}) or a custom role key`,
    }),
  );

const PERMISSIONS_DOC = {
  description:
    'CASL-style rules: { action, subject, conditions?, fields?, inverted?, reason? }. Conditions use $eq $ne $in $nin $gt $gte $lt $lte $exists $all $size $elemMatch; "${member.id}" and "${member.teamIds}" are filled in per member.',
  example: [
    { action: ['read', 'update'], subject: 'Document', conditions: { ownerId: '${member.id}' } },
    { action: 'read', subject: 'Member' },
  ],
  type: 'array' as const,
  items: { type: 'object' as const, additionalProperties: true },
};

export class CreateRoleDto {
  @ApiProperty({ example: 'auditor', pattern: ROLE_KEY.source })
  @IsString()
  @Matches(ROLE_KEY, {
    message: 'key must be 2 to 64 of lower-case letters, digits, _ and -, starting with a letter',
  })
  key!: string;

  @ApiProperty({ maxLength: 100, example: 'Auditor' })
  @NameText()
  name!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Absent()
  @DescriptionText()
  description?: string;

  @ApiProperty(PERMISSIONS_DOC)
  @Raw()
  @IsArray()
  permissions!: PermissionRule[];
}

export class UpdateRoleDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @Absent()
  @NameText()
  name?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @Absent()
  @DescriptionText()
  description?: string;

  @ApiPropertyOptional(PERMISSIONS_DOC)
  @Raw()
  @Absent()
  @IsArray()
  permissions?: PermissionRule[];
}
