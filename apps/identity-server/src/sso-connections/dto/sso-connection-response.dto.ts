import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '../../common/openapi.js';

export class SsoConnectionDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Okta' }) name!: string;
  @ApiProperty({ format: 'uri', example: 'https://acme.okta.com/oauth2/default' }) issuer!: string;
  @ApiProperty({ example: '0oa1b2c3d4e5f6g7h8i9' }) clientId!: string;
  @ApiProperty({ description: 'Always true: the secret is stored sealed and never returned' })
  clientSecretSet!: boolean;
  @ApiProperty({ type: [String], example: ['acme.com'] }) allowedDomains!: string[];
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    format: 'uri',
    description:
      "The sign-in redirect URI to register at the provider (Okta's Sign-in redirect URIs)",
  })
  redirectUri!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class SsoConnectionPageDto extends PageOf(SsoConnectionDto) {}
