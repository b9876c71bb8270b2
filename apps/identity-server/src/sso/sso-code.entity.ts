import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { SignInMethod } from '../auth/index.js';

/**
 * The single-use code an SSO callback hands the browser (in the returnTo URL) instead of tokens:
 * valid 60 seconds, stored as SHA-256, traded once at POST /api/v1/auth/sso/exchange.
 */
@Entity({ name: 'sso_codes' })
export class SsoCodeEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Index('sso_codes_prefix_key', { unique: true })
  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'code_hash', type: 'bytea' })
  codeHash!: Buffer;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @Column({ name: 'identity_id', type: 'uuid' })
  identityId!: string;

  @Column({ name: 'sign_in_method', type: 'varchar', length: 16 })
  signInMethod!: SignInMethod;

  @Column({ name: 'sign_in_directory', type: 'varchar', length: 64, nullable: true })
  signInDirectory!: string | null;

  /** The provider asserted a second factor (`mfa` in `amr`). */
  @Column({ name: 'mfa_asserted', type: 'boolean' })
  mfaAsserted!: boolean;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
