import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';

/** A SCIM bearer token as listed: never the token itself, only the prefix it is found by. */
export class ScimTokenDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Entra ID provisioning' }) name!: string;
  @ApiProperty({ example: 'scim_a1b2c3d4' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
}

export class CreatedScimTokenDto extends ScimTokenDto {
  @ApiProperty({ description: 'The token, shown in this response only' }) token!: string;
}

export class ScimTokenPageDto extends PageOf(ScimTokenDto) {}
