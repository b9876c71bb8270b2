import type { EntityManager } from 'typeorm';
import { DomainException, ErrorCode } from '../common/errors.js';
import { TenantEntity } from './tenant.entity.js';

/**
 * Reads the tenant row and holds its lock until the transaction ends. Every feature that checks
 * a tenant-wide limit (seats, last admin, names) serialises on it, so it lives under them all.
 */
export async function lockTenant(em: EntityManager, id: string): Promise<TenantEntity> {
  const tenant = await em
    .getRepository(TenantEntity)
    .createQueryBuilder('t')
    .setLock('pessimistic_write')
    .where('t.id = :id', { id })
    .getOne();
  if (!tenant) throw new DomainException(ErrorCode.TenantNotFound);
  return tenant;
}
