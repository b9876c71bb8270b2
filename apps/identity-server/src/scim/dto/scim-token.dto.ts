import { ApiProperty } from '@nestjs/swagger';
import { NameText } from '../../common/validation.js';
import { CredentialExpiry } from '../../credentials/index.js';

export class CreateScimTokenDto {
  @ApiProperty({ maxLength: 100, example: 'Microsoft Entra ID' })
  @NameText()
  name!: string;

  @CredentialExpiry('token')
  expiresAt?: string;
}
