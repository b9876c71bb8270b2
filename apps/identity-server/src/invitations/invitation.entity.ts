import { Column, Entity, Index, JoinColumn, ManyToOne } from 'typeorm';
import { TenantScopedEntity } from '../database/tenant-scoped.entity.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';

export const INVITATION_PROVIDERS = ['any', 'google', 'microsoft'] as const;
export type InvitationProvider = (typeof INVITATION_PROVIDERS)[number];
/** Stored states; `expired` is derived from expires_at. */
export type StoredInvitationStatus = 'pending' | 'accepted' | 'revoked';

/** An invitation to join a tenant. Its token is stored as SHA-256 and found by its prefix. */
@Entity({ name: 'invitations' })
@Index('invitations_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
@Index('invitations_tenant_email_idx', ['tenantId', 'email'])
@Index('invitations_tenant_token_prefix_key', ['tenantId', 'tokenPrefix'], { unique: true })
export class InvitationEntity extends TenantScopedEntity {
  @ManyToOne(() => TenantEntity, { onDelete: 'CASCADE' })
  @JoinColumn({
    name: 'tenant_id',
    referencedColumnName: 'id',
    foreignKeyConstraintName: 'invitations_tenant_fk',
  })
  tenant?: TenantEntity;

  /** Lower-cased. */
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'varchar', length: 100 })
  username!: string;

  @Column({ type: 'varchar', length: 64 })
  role!: string;

  @Column({ name: 'identity_provider', type: 'varchar', length: 16 })
  identityProvider!: InvitationProvider;

  @Column({ name: 'entra_tenant_id', type: 'varchar', length: 64, nullable: true })
  entraTenantId!: string | null;

  @Column({ name: 'notification_email', type: 'varchar', length: 254, nullable: true })
  notificationEmail!: string | null;

  /** Also indexed alone: a link names no tenant. */
  @Index('invitations_token_prefix_idx')
  @Column({ name: 'token_prefix', type: 'varchar', length: 16 })
  tokenPrefix!: string;

  @Column({ name: 'token_hash', type: 'bytea' })
  tokenHash!: Buffer;

  @Column({ type: 'varchar', length: 16 })
  status!: StoredInvitationStatus;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ name: 'invited_by_type', type: 'varchar', length: 32 })
  invitedByType!: string;

  @Column({ name: 'invited_by_id', type: 'varchar', length: 64 })
  invitedById!: string;

  @Column({ name: 'accepted_membership_id', type: 'uuid', nullable: true })
  acceptedMembershipId!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
