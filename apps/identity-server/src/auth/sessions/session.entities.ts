import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const SIGN_IN_METHODS = ['password', 'google', 'microsoft', 'oidc'] as const;
export type SignInMethod = (typeof SIGN_IN_METHODS)[number];

/** A signed-in device. Access tokens carry its id; revoking it ends them at once. */
@Entity({ name: 'sessions' })
@Index('sessions_account_idx', ['accountId', 'createdAt'])
export class SessionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'sign_in_method', type: 'varchar', length: 16 })
  signInMethod!: SignInMethod;

  /** The identity signed in with (account_identities.id); null for a password sign-in. */
  @Column({ name: 'identity_id', type: 'uuid', nullable: true })
  identityId!: string | null;

  /**
   * Where the identity lives, for tenants' sign-in policies: the Entra directory (tid) for
   * `microsoft`, the connection's tenant for `oidc`; null otherwise.
   */
  @Column({ name: 'sign_in_directory', type: 'varchar', length: 64, nullable: true })
  signInDirectory!: string | null;

  /** Whether a second factor was verified at sign-in. */
  @Column({ name: 'mfa_verified', type: 'boolean' })
  mfaVerified!: boolean;

  @Column({ type: 'varchar', length: 45, nullable: true })
  ip!: string | null;

  @Column({ name: 'user_agent', type: 'varchar', length: 512, nullable: true })
  userAgent!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_seen_at', type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ name: 'revoked_reason', type: 'varchar', length: 64, nullable: true })
  revokedReason!: string | null;
}

/**
 * A refresh token: single use. Using one issues the next; presenting a used one again means it
 * was stolen, and the whole session is revoked.
 */
@Entity({ name: 'refresh_tokens' })
@Index('refresh_tokens_session_idx', ['sessionId'])
export class RefreshTokenEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId!: string;

  @Index('refresh_tokens_prefix_key', { unique: true })
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}
