import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const IDENTITY_PROVIDER_KINDS = ['password', 'google', 'microsoft'] as const;
export type IdentityProviderKind = (typeof IDENTITY_PROVIDER_KINDS)[number];

/** A way to sign in to an account: provider and subject (for Entra ID also the directory). */
@Entity({ name: 'account_identities' })
@Index('account_identities_account_idx', ['accountId'])
export class AccountIdentityEntity {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  provider!: IdentityProviderKind;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  subject!: string;

  @Column({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  /** Entra ID directory (tid) for `microsoft`. */
  @Column({ name: 'directory_id', type: 'varchar', length: 64, nullable: true })
  directoryId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
