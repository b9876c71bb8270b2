import { Column, PrimaryColumn } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';

/**
 * What every issued credential row holds, whoever owns it: a non-secret lookup prefix, the
 * SHA-256 of the whole secret (never the secret), and its life (created, expires, last used,
 * revoked). CredentialStore works on this shape only.
 */
export interface IssuedCredential {
  id: string;
  name: string;
  prefix: string;
  keyHash: Buffer;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** A key base: its rows have an `id` (TypeScript takes a mixin base only with `...args: any[]`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type KeyBase = abstract new (...args: any[]) => { id: string };

/**
 * The credential columns, declared once and added to a key base (tenant or account): a mixin
 * rather than a base class, because tenant credentials must also extend TenantScopedEntity so that
 * `tenant_id` leads their keys. The lookup index on `prefix` is each table's own (named, and unique
 * only where the prefix is unique server-wide).
 */
function withCredentialColumns<Base extends KeyBase>(base: Base) {
  abstract class Credential extends base implements IssuedCredential {
    @Column({ type: 'varchar', length: 100 })
    name!: string;

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
  return Credential;
}

/** A credential a tenant owns (API keys, SCIM tokens), and who created it. */
export abstract class TenantCredentialEntity extends withCredentialColumns(TenantScopedEntity) {
  @Column({ name: 'created_by_type', type: 'varchar', length: 32 })
  createdByType!: string;

  @Column({ name: 'created_by_id', type: 'varchar', length: 64 })
  createdById!: string;
}

/** The key of rows an account owns: `account_id` leads, as `tenant_id` does for a tenant's. */
abstract class AccountScopedEntity {
  @PrimaryColumn({ name: 'account_id', type: 'uuid' })
  accountId!: string;

  @PrimaryColumn('uuid')
  id!: string;
}

/** A credential an account owns (personal API keys). */
export abstract class AccountCredentialEntity extends withCredentialColumns(AccountScopedEntity) {}
