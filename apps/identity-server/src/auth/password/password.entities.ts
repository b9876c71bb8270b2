import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The current Argon2id hash of an account's password. */
@Entity({ name: 'password_credentials' })
export class PasswordCredentialEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** Earlier password hashes, for policies that refuse reuse of the last N. */
@Entity({ name: 'password_history' })
export class PasswordHistoryEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
