import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid, type CursorKey } from '#database';
import { keyset } from '../common/pagination.js';
import type { InvitationStatus } from './dto/invitation.dto.js';
import { InvitationEntity } from './invitation.entity.js';

/** The columns a change may set on an invitation. */
export type InvitationChanges = Partial<
  Pick<
    InvitationEntity,
    'status' | 'tokenPrefix' | 'tokenHash' | 'expiresAt' | 'acceptedMembershipId'
  >
> & { updatedAt: Date };

/** A pending invitation that has not expired: it holds a seat (INVITATION_STATUS.pending). */
const OPEN = `i.status = 'pending' AND i.expires_at > now()`;

/**
 * The invitations of one tenant, through one transaction (or the pool): the only code that
 * queries the invitations table for a tenant, with the tenant bound once.
 */
export class TenantInvitations {
  constructor(
    private readonly em: EntityManager,
    readonly tenantId: string,
  ) {}

  async find(id: string, lock = false): Promise<InvitationEntity | null> {
    if (!isUuid(id)) return null;
    const qb = this.em
      .getRepository(InvitationEntity)
      .createQueryBuilder('i')
      .where('i.tenant_id = :tenantId AND i.id = :id', { tenantId: this.tenantId, id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  async insert(invitation: InvitationEntity): Promise<void> {
    if (invitation.tenantId !== this.tenantId) throw new Error('An invitation of another tenant');
    await this.em.insert(InvitationEntity, invitation);
  }

  async update(id: string, changes: InvitationChanges): Promise<void> {
    await this.em.update(InvitationEntity, { tenantId: this.tenantId, id }, changes);
  }

  /** A page in creation order, in a state as people see it (`expired` is derived from time). */
  async page(
    status: InvitationStatus | undefined,
    after: CursorKey | null,
    limit: number,
  ): Promise<InvitationEntity[]> {
    const qb = this.em
      .getRepository(InvitationEntity)
      .createQueryBuilder('i')
      .where('i.tenant_id = :tenantId', { tenantId: this.tenantId });
    switch (status) {
      case 'pending':
        qb.andWhere(OPEN);
        break;
      case 'expired':
        qb.andWhere(`i.status = 'pending' AND i.expires_at <= now()`);
        break;
      case 'accepted':
      case 'revoked':
        qb.andWhere('i.status = :status', { status });
        break;
      case undefined:
        break;
    }
    return keyset(qb, 'i', 'created_at', after, limit).getMany();
  }

  /** An open invitation for this email or username (any case). */
  async openWithEmailOrUsername(
    email: string,
    username: string,
  ): Promise<{ email: string } | null> {
    const [row]: { email: string }[] = await this.em.query(
      `SELECT i.email FROM invitations i WHERE i.tenant_id = $1 AND ${OPEN}
          AND (i.email = $2 OR lower(i.username) = lower($3)) LIMIT 1`,
      [this.tenantId, email, username],
    );
    return row ?? null;
  }
}

/** The invitations table's repository. */
@Injectable()
export class InvitationsRepository {
  constructor(private readonly dataSource: DataSource) {}

  of(tenantId: string, em: EntityManager = this.dataSource.manager): TenantInvitations {
    return new TenantInvitations(em, tenantId);
  }

  /**
   * The invitations a link's token prefix names, in any tenant (the link does not name one);
   * the caller compares the hash. `lock` takes the rows for update.
   */
  byPrefix(prefix: string, em: EntityManager, lock: boolean): Promise<InvitationEntity[]> {
    const qb = em
      .getRepository(InvitationEntity)
      .createQueryBuilder('i')
      .where('i.token_prefix = :prefix', { prefix });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getMany();
  }
}
