import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { isUuid, type CursorKey } from '#database';
import { conflictOf } from '../common/db-errors.js';
import { keyset } from '../common/pagination.js';
import { SsoConnectionEntity } from './sso-connection.entity.js';

/** The columns a change may write. */
export type SsoConnectionChanges = Partial<
  Pick<
    SsoConnectionEntity,
    'name' | 'issuer' | 'clientId' | 'clientSecret' | 'allowedDomains' | 'enabled'
  >
> & { updatedAt: Date };

/** Names are unique in the tenant regardless of case (sso_connections_tenant_name_key). */
async function named<T>(name: string | undefined, statement: Promise<T>): Promise<T> {
  try {
    return await statement;
  } catch (error) {
    throw (
      conflictOf(
        error,
        name === undefined ? undefined : `An SSO connection named "${name}" exists`,
      ) ?? error
    );
  }
}

/** One tenant's SSO connections, through one transaction (or the pool): the tenant is bound once. */
export class TenantSsoConnections {
  constructor(
    private readonly em: EntityManager,
    readonly tenantId: string,
  ) {}

  /** A connection, or null (also for an id that is no UUID); `lock` takes its row for update. */
  async find(id: string, lock = false): Promise<SsoConnectionEntity | null> {
    if (!isUuid(id)) return null;
    const qb = this.em
      .getRepository(SsoConnectionEntity)
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId AND c.id = :id', { tenantId: this.tenantId, id });
    if (lock) qb.setLock('pessimistic_write');
    return qb.getOne();
  }

  /** A page in creation order (one more row than `limit`, as keyset reads). */
  page(after: CursorKey | null, limit: number): Promise<SsoConnectionEntity[]> {
    const qb = this.em
      .getRepository(SsoConnectionEntity)
      .createQueryBuilder('c')
      .where('c.tenant_id = :tenantId', { tenantId: this.tenantId });
    return keyset(qb, 'c', 'created_at', after, limit).getMany();
  }

  /** The enabled connections by name, for a sign-in page. */
  async enabled(): Promise<{ id: string; name: string }[]> {
    const rows: { id: string; name: string }[] = await this.em.query(
      'SELECT id, name FROM sso_connections WHERE tenant_id = $1 AND enabled ORDER BY lower(name), id',
      [this.tenantId],
    );
    return rows.map((r) => ({ id: r.id, name: r.name }));
  }

  async insert(connection: SsoConnectionEntity): Promise<void> {
    if (connection.tenantId !== this.tenantId) throw new Error('A connection of another tenant');
    await named(connection.name, this.em.insert(SsoConnectionEntity, connection));
  }

  async update(id: string, changes: SsoConnectionChanges): Promise<void> {
    await named(
      changes.name,
      this.em.update(SsoConnectionEntity, { tenantId: this.tenantId, id }, changes),
    );
  }

  async delete(id: string): Promise<void> {
    await this.em.delete(SsoConnectionEntity, { tenantId: this.tenantId, id });
  }
}

/** The sso_connections table's repository (its only code). */
@Injectable()
export class SsoConnectionsRepository {
  constructor(private readonly dataSource: DataSource) {}

  of(tenantId: string, em: EntityManager = this.dataSource.manager): TenantSsoConnections {
    return new TenantSsoConnections(em, tenantId);
  }

  /**
   * An enabled connection by its id alone (the sign-in URL names no tenant; sso_connections_id_idx).
   * Ids are UUIDv7 made here, so at most one row matches; should two, neither is trusted.
   */
  async enabledById(id: string): Promise<SsoConnectionEntity | null> {
    if (!isUuid(id)) return null;
    const rows = await this.dataSource.manager
      .getRepository(SsoConnectionEntity)
      .createQueryBuilder('c')
      .where('c.id = :id AND c.enabled', { id })
      .limit(2)
      .getMany();
    return rows.length === 1 ? (rows[0] as SsoConnectionEntity) : null;
  }
}
