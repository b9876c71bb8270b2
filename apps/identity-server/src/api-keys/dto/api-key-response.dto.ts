import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';

/** A tenant API key as listed: never the key itself, only the prefix it is found by. */
export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'CI deploys' }) name!: string;
  @ApiProperty({ example: 'tk_a1b2c3d4' }) prefix!: string;
  @ApiProperty({ example: 'developer' }) role!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'To the minute',
  })
  lastUsedAt!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  @ApiProperty({ description: 'The key, shown in this response only' }) key!: string;
}

export class ApiKeyPageDto extends PageOf(ApiKeyDto) {}

/** A personal API key: it acts as the person who made it. */
export class PersonalKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'laptop scripts' }) name!: string;
  @ApiProperty({ example: 'pk_a1b2c3d4' }) prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
}

export class CreatedPersonalKeyDto extends PersonalKeyDto {
  @ApiProperty({ description: 'The key, shown in this response only' }) key!: string;
}

export class PersonalKeyPageDto extends PageOf(PersonalKeyDto) {}
