import { Entity, Index } from 'typeorm';
import { AccountCredentialEntity } from '../credentials/index.js';

/** A personal API key: acts as its owner. Only the SHA-256 of the key is stored. */
@Entity({ name: 'personal_api_keys' })
@Index('personal_api_keys_account_created_idx', ['accountId', 'createdAt', 'id'])
@Index('personal_api_keys_prefix_key', ['prefix'], { unique: true })
export class PersonalApiKeyEntity extends AccountCredentialEntity {}
