import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { TenantSettings } from './settings.js';

@Entity({ name: 'tenants' })
/** Names are unique regardless of case: a unique index on lower(name), kept by the migrations. */
@Index('tenants_name_lower_key', { synchronize: false })
@Index('tenants_created_idx', ['createdAt', 'id'])
export class TenantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Index('tenants_slug_key', { unique: true })
  @Column({ type: 'varchar', length: 63 })
  slug!: string;

  @Column({ type: 'jsonb' })
  settings!: TenantSettings;

  /** Millisecond precision, like the cursors that page on it. */
  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
