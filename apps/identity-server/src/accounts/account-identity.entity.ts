import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const IDENTITY_PROVIDER_KINDS = ['password', 'google', 'microsoft', 'oidc'] as const;
export type IdentityProviderKind = (typeof IDENTITY_PROVIDER_KINDS)[number];

/**
 * A way to sign in to an account: provider and subject, plus the directory the subject is unique
 * in (the Entra ID `tid` for `microsoft`, the connection id for a tenant's `oidc`). Unique on
 * (provider, directory, subject) with NULLs not distinct, kept by the migrations.
 */
@Entity({ name: 'account_identities' })
@Index('account_identities_account_idx', ['accountId'])
@Index('account_identities_key', { synchronize: false })
export class AccountIdentityEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  provider!: IdentityProviderKind;

  @Column({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** Entra ID directory (tid) for `microsoft`; the connection id for `oidc`. */
  @Column({ name: 'directory_id', type: 'varchar', length: 64, nullable: true })
  directoryId!: string | null;

  /** The email the provider asserted at the last sign-in (verified or not: see emailVerified). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  email!: string | null;

  @Column({ name: 'email_verified', type: 'boolean', default: false })
  emailVerified!: boolean;

  /** Entra `preferred_username` (usually the UPN) or the OIDC `preferred_username`. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  username!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;
}
