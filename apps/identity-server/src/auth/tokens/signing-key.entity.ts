import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An access-token signing key pair. The newest unretired key signs; every key not yet expired
 * verifies and is published in the JWKS, so rotation logs nobody out.
 */
@Entity({ name: 'signing_keys' })
export class SigningKeyEntity {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid!: string;

  @Column({ type: 'varchar', length: 16 })
  alg!: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk!: Record<string, unknown>;

  /** The private JWK, sealed with the SecretBox. */
  @Column({ name: 'private_key', type: 'text' })
  privateKey!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** From then on the key no longer signs. */
  @Column({ name: 'retire_at', type: 'timestamptz' })
  retireAt!: Date;

  /** From then on the key no longer verifies (retire_at + the longest token lifetime). */
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
