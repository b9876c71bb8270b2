import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { toSqlFilter } from '#policy';
import { DomainException, ErrorCode } from '../common/errors.js';

/** A row as read: properties parsed, times as Dates. */
export interface ResourceRow {
  type: string;
  id: string;
  properties: Record<string, unknown>;
  ownerMemberId: string | null;
  teamId: string | null;
  createdAt: Date;
  updatedAt: Date;
  /** Set by upserts: whether the row was inserted rather than updated. */
  created?: boolean;
}

export interface ResourceWrite {
  type: string;
  id: string;
  properties: Record<string, unknown>;
  ownerMemberId: string | null;
  teamId: string | null;
}

const COLUMNS = `type, id, properties, owner_member_id AS "ownerMemberId", team_id AS "teamId", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** A foreign key refused: the owner or team is not one of this tenant's. */
function missingReference(error: unknown): DomainException | null {
  const e = error as { code?: string; constraint?: string };
  if (e.code !== '23503') return null;
  if (e.constraint === 'resources_owner_fk')
    return new DomainException(
      ErrorCode.MemberNotFound,
      'ownerMemberId is not a member of this organization',
    );
  if (e.constraint === 'resources_team_fk')
    return new DomainException(ErrorCode.TeamNotFound, 'teamId is not a team of this organization');
  return null;
}

/** The resources table's repository (its only code). Every statement names the tenant. */
@Injectable()
export class ResourcesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(tenantId: string, type: string, id: string): Promise<ResourceRow | null> {
    const rows: ResourceRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM resources WHERE tenant_id = $1 AND type = $2 AND id = $3`,
      [tenantId, type, id],
    );
    return rows[0] ?? null;
  }

  /** A page ordered by (type, id) after the cursor's key, one more row than `limit`. */
  page(
    tenantId: string,
    type: string | null,
    after: { type: string; id: string } | null,
    limit: number,
  ): Promise<ResourceRow[]> {
    const params: unknown[] = [tenantId];
    let where = 'tenant_id = $1';
    if (type !== null) {
      params.push(type);
      where += ` AND type = $${params.length}`;
    }
    if (after) {
      params.push(after.type, after.id);
      where += ` AND (type, id) > ($${params.length - 1}, $${params.length})`;
    }
    params.push(limit + 1);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM resources WHERE ${where} ORDER BY type, id LIMIT $${params.length}`,
      params,
    );
  }

  /**
   * Inserts or updates rows in one statement, answering each with `created`. A row whose owner or
   * team is not the tenant's fails the statement (its foreign key), so nothing of it is written.
   */
  async upsert(em: EntityManager, tenantId: string, rows: ResourceWrite[]): Promise<ResourceRow[]> {
    if (rows.length === 0) return [];
    try {
      return await em.query(
        `INSERT INTO resources AS r (tenant_id, type, id, properties, owner_member_id, team_id, created_at, updated_at)
         SELECT $1, x.type, x.id, x.properties, x.owner, x.team, now(), now()
           FROM jsonb_to_recordset($2::jsonb) AS x(type text, id text, properties jsonb, owner uuid, team uuid)
         ON CONFLICT (tenant_id, type, id) DO UPDATE SET properties = EXCLUDED.properties,
           owner_member_id = EXCLUDED.owner_member_id, team_id = EXCLUDED.team_id, updated_at = now()
         RETURNING ${COLUMNS}, (xmax = 0) AS created`,
        [
          tenantId,
          JSON.stringify(
            rows.map((r) => ({
              type: r.type,
              id: r.id,
              properties: r.properties,
              owner: r.ownerMemberId,
              team: r.teamId,
            })),
          ),
        ],
      );
    } catch (error) {
      throw missingReference(error) ?? error;
    }
  }

  /** Deletes a resource, answering it (null when there was none). */
  async delete(
    em: EntityManager,
    tenantId: string,
    type: string,
    id: string,
  ): Promise<ResourceRow | null> {
    const rows: ResourceRow[] = await em.query(
      `DELETE FROM resources WHERE tenant_id = $1 AND type = $2 AND id = $3 RETURNING ${COLUMNS}`,
      [tenantId, type, id],
    );
    // DELETE … RETURNING answers [rows, count] through TypeORM's postgres driver.
    const deleted = Array.isArray(rows[0]) ? (rows[0] as unknown as ResourceRow[]) : rows;
    return deleted[0] ?? null;
  }

  /** The types the tenant has entries of (the catalog service's cache fill). */
  async types(tenantId: string): Promise<Set<string>> {
    const rows: { type: string }[] = await this.dataSource.query(
      'SELECT DISTINCT type FROM resources WHERE tenant_id = $1',
      [tenantId],
    );
    return new Set(rows.map((r) => r.type));
  }

  /** The entries among `refs`, in one query. */
  byRefs(tenantId: string, refs: { type: string; id: string }[]): Promise<ResourceRow[]> {
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM resources r
        WHERE r.tenant_id = $1 AND (r.type, r.id) IN (SELECT x.type, x.id FROM jsonb_to_recordset($2::jsonb) AS x(type text, id text))`,
      [tenantId, JSON.stringify(refs)],
    );
  }

  /** Rows of a type matching a CASL rule query (a superset, see toSqlFilter), ordered by id. */
  search(
    tenantId: string,
    type: string,
    query: Record<string, unknown>,
    after: string | null,
    limit: number,
  ): Promise<ResourceRow[]> {
    const params: unknown[] = [tenantId, type];
    const param = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const filter = toSqlFilter(query, {
      column: (field) => {
        if (field === 'id' || field === 'type') return { kind: 'text', sql: `r.${field}` };
        if (field === 'ownerMemberId') return { kind: 'text', sql: 'r.owner_member_id::text' };
        if (field === 'teamId') return { kind: 'text', sql: 'r.team_id::text' };
        return { kind: 'jsonb', sql: 'r.properties' };
      },
      param,
    });
    const afterSql = after === null ? '' : ` AND r.id > ${param(after)}`;
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM resources r WHERE r.tenant_id = $1 AND r.type = $2${afterSql} AND (${filter})
        ORDER BY r.id LIMIT ${param(limit)}`,
      params,
    );
  }
}
