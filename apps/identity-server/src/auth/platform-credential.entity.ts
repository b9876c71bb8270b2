import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Platform-level credentials (the generated operator key). Not tenant-scoped. */
@Entity({ name: 'platform_credentials' })
export class PlatformCredentialEntity {
  /** One row per kind: 'operator'. */
  @PrimaryColumn({ type: 'varchar', length: 32 })
  kind!: string;

  @Column({ type: 'varchar', length: 16 })
  prefix!: string;

  @Column({ name: 'key_hash', type: 'bytea' })
  keyHash!: Buffer;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}
