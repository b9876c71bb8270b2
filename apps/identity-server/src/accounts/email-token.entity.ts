import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const EMAIL_TOKEN_PURPOSES = ['signup', 'verify_email', 'password_reset'] as const;
export type EmailTokenPurpose = (typeof EMAIL_TOKEN_PURPOSES)[number];

/**
 * A single-use link sent by email: a sign-up waiting for its address to be confirmed (no account
 * yet: the email, display name and Argon2 hash of the chosen password wait here), a verification
 * of an account's address, or a password reset. The token is stored as SHA-256, found by its
 * prefix. Platform-wide (no tenant), like accounts.
 */
@Entity({ name: 'email_tokens' })
@Index('email_tokens_account_idx', ['accountId', 'purpose'])
@Index('email_tokens_expires_idx', ['expiresAt'])
export class EmailTokenEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** The account the link is about; null for a sign-up (the account does not exist yet). */
  @Column({ name: 'account_id', type: 'uuid', nullable: true })
  accountId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  purpose!: EmailTokenPurpose;

  /** Lower-cased: the address the link was sent to. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  /** Sign-up only. */
  @Column({ name: 'display_name', type: 'varchar', length: 200, nullable: true })
  displayName!: string | null;

  /** Sign-up only: the Argon2id hash of the chosen password, never the password. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash!: string | null;

  @Index('email_tokens_token_prefix_key', { unique: true })
  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix!: string;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
