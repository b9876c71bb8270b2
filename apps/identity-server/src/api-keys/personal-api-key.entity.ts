import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A personal API key: acts as its owner. Only the SHA-256 of the key is stored. */
@Entity({ name: 'personal_api_keys' })
@Index('personal_api_keys_account_created_idx', ['accountId', 'createdAt', 'id'])
export class PersonalApiKeyEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Index('personal_api_keys_prefix_key', { unique: true })
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

  /** Millisecond precision, like the cursors that page on it. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;
}
