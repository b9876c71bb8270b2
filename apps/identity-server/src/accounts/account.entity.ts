import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export interface NotificationPreferences {
  securityAlerts: boolean;
  productUpdates: boolean;
}

/** A person, global to the server. Memberships place an account in tenants. */
@Entity({ name: 'accounts' })
/** Emails are unique regardless of case: a unique index on lower(email), kept by the migrations. */
@Index('accounts_email_lower_key', { synchronize: false })
export class AccountEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ name: 'email_verified', type: 'boolean' })
  emailVerified!: boolean;

  @Column({ name: 'display_name', type: 'varchar', length: 200 })
  displayName!: string;

  @Column({ name: 'avatar_url', type: 'varchar', length: 2048, nullable: true })
  avatarUrl!: string | null;

  @Column({ type: 'varchar', length: 64 })
  timezone!: string;

  @Column({ name: 'notification_prefs', type: 'jsonb' })
  notificationPrefs!: NotificationPreferences;

  @Column({ type: 'varchar', length: 16 })
  status!: 'active' | 'disabled';

  /** The TOTP seed, sealed with the SecretBox (AES-256-GCM); null when not enrolled. */
  @Column({ name: 'totp_secret', type: 'text', nullable: true })
  totpSecret!: string | null;

  @Column({ name: 'totp_confirmed_at', type: 'timestamptz', nullable: true })
  totpConfirmedAt!: Date | null;

  /** The last accepted TOTP time step: a code is accepted once. */
  @Column({ name: 'totp_last_step', type: 'bigint', nullable: true })
  totpLastStep!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

/** A new, active account with the defaults every way of creating one shares. */
export function newAccount(
  id: string,
  input: { email: string; emailVerified: boolean; displayName: string },
  now: Date,
): AccountEntity {
  return {
    id,
    email: input.email,
    emailVerified: input.emailVerified,
    displayName: input.displayName,
    avatarUrl: null,
    timezone: 'UTC',
    notificationPrefs: { securityAlerts: true, productUpdates: false },
    status: 'active',
    totpSecret: null,
    totpConfirmedAt: null,
    totpLastStep: null,
    createdAt: now,
    updatedAt: now,
  };
}
