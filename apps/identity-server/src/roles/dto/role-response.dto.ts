import { ApiProperty } from '@nestjs/swagger';
import { PageOf, PermissionRuleDto } from '../../common/openapi.js';

export class RoleDto {
  @ApiProperty({ example: 'auditor' }) key!: string;
  @ApiProperty({ example: 'Auditor' }) name!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'Built-in roles cannot be changed or deleted' }) builtIn!: boolean;
  @ApiProperty({ type: [PermissionRuleDto] }) permissions!: PermissionRuleDto[];
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Null if built in',
  })
  createdAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Null if built in',
  })
  updatedAt!: string | null;
}

/** Every role in one page: nextCursor is always null. */
export class RolePageDto extends PageOf(RoleDto) {}
