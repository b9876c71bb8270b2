import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { InvalidationService } from '../database/invalidation.service.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { actorOf } from '../common/principal.js';
import type { TenantContext } from '../common/request-context.js';
import { assertWrite, idProblem, refKey, typeProblem } from './catalog.js';
import {
  ResourcesRepository,
  type ResourceRow,
  type ResourceWrite,
} from './resources.repository.js';

/** What the admin API answers. */
export interface ResourceView {
  type: string;
  id: string;
  properties: Record<string, unknown>;
  ownerMemberId: string | null;
  teamId: string | null;
  createdAt: string;
  updatedAt: string;
}

export type Admin = Pick<TenantContext, 'tenantId' | 'principal' | 'meta'>;

/** What a catalog entry presents to policy conditions: the catalog's own names win. */
export function attributesOf(row: ResourceRow): Record<string, unknown> {
  return {
    ...row.properties,
    ...(row.ownerMemberId !== null ? { ownerMemberId: row.ownerMemberId } : {}),
    ...(row.teamId !== null ? { teamId: row.teamId } : {}),
    id: row.id,
    type: row.type,
  };
}

export function viewOf(row: ResourceRow): ResourceView {
  return {
    type: row.type,
    id: row.id,
    properties: row.properties,
    ownerMemberId: row.ownerMemberId,
    teamId: row.teamId,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
  };
}

/** How many tenants' type sets the catalog keeps in memory (the rest are read again). */
const CACHED_TENANTS = 10_000;

/**
 * The resource catalog: administrators write entries, the decision point reads their attributes
 * (`attributes`) and searches them (`search`). Which types a tenant has entries of is cached per
 * instance, so a decision about a type without entries costs no query; every write announces
 * `resources` for its tenant inside its transaction, and every instance drops its set.
 */
@Injectable()
export class CatalogService {
  private readonly logger = new Logger('Resources');
  /** tenant → the types it has entries of (insertion order = age, for eviction). */
  private readonly types = new Map<string, Set<string>>();
  /** tenant → generation, so a fill that raced a write is not stored. */
  private readonly generations = new Map<string, number>();
  queries = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly resources: ResourcesRepository,
    private readonly audit: AuditService,
    private readonly invalidation: InvalidationService,
  ) {
    invalidation.subscribe((event) => {
      if (event.kind === 'all') {
        this.types.clear();
        this.generations.clear();
      } else if (event.kind === 'resources') {
        this.types.delete(event.id);
        this.generations.set(event.id, (this.generations.get(event.id) ?? 0) + 1);
      }
    });
  }

  /** Announces, inside the writing transaction, that a tenant's catalog changed. */
  changed(em: EntityManager, tenantId: string): Promise<void> {
    return this.invalidation.announce(em, { kind: 'resources', id: tenantId });
  }

  async get(tenantId: string, type: string, id: string): Promise<ResourceView> {
    const row = await this.resources.find(tenantId, type, id);
    if (!row) throw new DomainException(ErrorCode.ResourceNotFound);
    return viewOf(row);
  }

  async list(
    tenantId: string,
    type: string | null,
    after: { type: string; id: string } | null,
    limit: number,
  ): Promise<{ data: ResourceView[]; nextCursor: string | null }> {
    if (type !== null && typeProblem(type)) return { data: [], nextCursor: null };
    const rows = await this.resources.page(tenantId, type, after, limit);
    const more = rows.length > limit;
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page.map(viewOf),
      nextCursor: more && last ? encodeResourceCursor(last) : null,
    };
  }

  /** Creates or replaces one entry; `created` tells the two apart. */
  async put(
    admin: Admin,
    type: string,
    id: string,
    body: { properties?: unknown; ownerMemberId?: unknown; teamId?: unknown },
  ): Promise<{ resource: ResourceView; created: boolean }> {
    assertWrite({ type, id, ...body });
    const write: ResourceWrite = {
      type,
      id,
      properties: (body.properties ?? {}) as Record<string, unknown>,
      ownerMemberId: (body.ownerMemberId as string | null | undefined) ?? null,
      teamId: (body.teamId as string | null | undefined) ?? null,
    };
    const { tenantId } = admin;
    return this.dataSource.transaction(async (em) => {
      const [row] = await this.resources.upsert(em, tenantId, [write]);
      if (!row) throw new Error('an upsert answered no row');
      const created = row.created === true;
      await this.audit.record(em, {
        tenantId,
        type: created ? 'resource.created' : 'resource.updated',
        actor: actorOf(admin.principal),
        target: { type: 'resource', id: `${type}/${id}` },
        meta: admin.meta,
        changes: {
          after: {
            properties: write.properties,
            ownerMemberId: write.ownerMemberId,
            teamId: write.teamId,
          },
        },
      });
      await this.changed(em, tenantId);
      return { resource: viewOf(row), created };
    });
  }

  async remove(admin: Admin, type: string, id: string): Promise<void> {
    const { tenantId } = admin;
    await this.dataSource.transaction(async (em) => {
      const row = await this.resources.delete(em, tenantId, type, id);
      if (!row) throw new DomainException(ErrorCode.ResourceNotFound);
      await this.audit.record(em, {
        tenantId,
        type: 'resource.deleted',
        actor: actorOf(admin.principal),
        target: { type: 'resource', id: `${type}/${id}` },
        meta: admin.meta,
        changes: {
          before: {
            properties: row.properties,
            ownerMemberId: row.ownerMemberId,
            teamId: row.teamId,
          },
        },
      });
      await this.changed(em, tenantId);
    });
  }

  /**
   * One batch of an import in one transaction and statement: refused as a whole when an owner or
   * team is not the tenant's (the import then retries its rows one by one to report which).
   */
  async upsertBatch(
    tenantId: string,
    rows: ResourceWrite[],
  ): Promise<{ created: number; updated: number }> {
    return this.dataSource.transaction(async (em) => {
      const written = await this.resources.upsert(em, tenantId, rows);
      await this.changed(em, tenantId);
      const created = written.filter((r) => r.created === true).length;
      return { created, updated: written.length - created };
    });
  }

  /** The one audit event of an import, with its counts. */
  async recordImport(admin: Admin, counts: Record<string, number>): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await this.audit.record(em, {
        tenantId: admin.tenantId,
        type: 'resource.imported',
        actor: actorOf(admin.principal),
        target: { type: 'tenant', id: admin.tenantId },
        meta: admin.meta,
        changes: { after: counts },
      });
    });
    this.logger.log(
      `imported ${counts.received} resources for tenant ${admin.tenantId}: ${counts.created} created, ${counts.updated} updated, ${counts.failed} failed`,
    );
  }

  /**
   * The catalog attributes of `refs`, keyed by refKey(type, id). No query when the tenant has no
   * entries of any type named; one query for the batch otherwise.
   */
  async attributes(
    tenantId: string,
    refs: { type: string; id: string }[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const answer = new Map<string, Record<string, unknown>>();
    if (refs.length === 0) return answer;
    const types = await this.typesOf(tenantId);
    const wanted = refs.filter(
      (r) => types.has(r.type) && idProblem(r.id) === null && typeProblem(r.type) === null,
    );
    if (wanted.length === 0) return answer;
    this.queries++;
    for (const row of await this.resources.byRefs(tenantId, wanted))
      answer.set(refKey(row.type, row.id), attributesOf(row));
    return answer;
  }

  /**
   * Entries of a type that may match a CASL rule query (null: nothing allowed), ordered by id
   * after `after`. A superset of the matches: the caller checks each with its ability.
   */
  async search(
    tenantId: string,
    type: string,
    query: Record<string, unknown> | null,
    after: string | null,
    limit: number,
  ): Promise<{
    items: { type: string; id: string; attributes: Record<string, unknown> }[];
    next: string | null;
  }> {
    if (query === null || typeProblem(type) !== null || limit < 1) return { items: [], next: null };
    if (!(await this.typesOf(tenantId)).has(type)) return { items: [], next: null };
    this.queries++;
    const rows = await this.resources.search(tenantId, type, query, after, limit + 1);
    const page = rows.slice(0, limit);
    return {
      items: page.map((r) => ({ type: r.type, id: r.id, attributes: attributesOf(r) })),
      next: rows.length > limit ? (page[page.length - 1]?.id ?? null) : null,
    };
  }

  private async typesOf(tenantId: string): Promise<Set<string>> {
    const cached = this.types.get(tenantId);
    if (cached) return cached;
    const generation = this.generations.get(tenantId) ?? 0;
    this.queries++;
    const types = await this.resources.types(tenantId);
    if ((this.generations.get(tenantId) ?? 0) === generation) {
      if (this.types.size >= CACHED_TENANTS) {
        const oldest = this.types.keys().next().value;
        if (oldest !== undefined) this.types.delete(oldest);
      }
      this.types.set(tenantId, types);
    }
    return types;
  }
}

export function encodeResourceCursor(row: { type: string; id: string }): string {
  return Buffer.from(JSON.stringify([row.type, row.id])).toString('base64url');
}

export function decodeResourceCursor(cursor: string): { type: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    )
      return { type: value[0], id: value[1] };
  } catch {
    // Falls through to the refusal.
  }
  throw new DomainException(ErrorCode.InvalidCursor, 'The cursor is not one this server issued');
}
