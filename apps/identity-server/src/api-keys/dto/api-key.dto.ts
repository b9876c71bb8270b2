import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Absent, NameText } from '../../common/validation.js';
import { BUILT_IN_ROLE_KEYS } from '#policy';
import { CredentialExpiry } from '../../credentials/index.js';
import { RoleKey } from '../../roles/index.js';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100, example: 'ci-deploy' })
  @NameText()
  name!: string;

  @ApiPropertyOptional({
    default: 'viewer',
    description: `${BUILT_IN_ROLE_KEYS.join(', ')} or a custom role key`,
  })
  @Absent()
  @RoleKey()
  role?: string;

  @CredentialExpiry('key')
  expiresAt?: string;
}

export class CreatePersonalKeyDto {
  @ApiProperty({ maxLength: 100, example: 'laptop cli' })
  @NameText()
  name!: string;

  @CredentialExpiry('key')
  expiresAt?: string;
}
