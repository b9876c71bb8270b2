import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { canGrantRole } from '#policy';
import { isUuid, issueSecret, newId, secretMatches, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { ActivityWriter } from '../common/activity-writer.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import { InvalidationService } from '../database/invalidation.service.js';
import { futureExpiry, PrefixCache } from '../common/credentials.js';
import { assertRoleExists } from '../roles/index.js';
import { ApiKeyEntity } from './api-key.entity.js';
import type { CreateApiKeyDto } from './dto/api-key.dto.js';

export const TENANT_KEY_KIND = 'tk';

export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  role: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

export interface AuthenticatedKey {
  id: string;
  tenantId: string;
  role: string;
  name: string;
}

/** A key's rows are kept per instance this long at most; a revocation drops them at once. */
const CACHE_TTL_MS = 60_000;

@Injectable()
export class ApiKeysService {
  private readonly logger = new Logger('ApiKeys');
  private readonly lastUsed = new ActivityWriter(this.logger, 'the last use of an API key');
  private readonly cache = new PrefixCache<ApiKeyEntity>(CACHE_TTL_MS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: InvalidationService,
  ) {
    invalidation.subscribe((event) => {
      if (event.kind === 'all') this.cache.clear();
      else if (event.kind === 'api_key') this.cache.forget((key) => key.id === event.id);
    });
  }

  async create(
    tenantId: string,
    dto: CreateApiKeyDto,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<ApiKeyView & { key: string }> {
    const role = dto.role ?? 'viewer';
    if (principal.kind === 'api_key' && !canGrantRole(principal.role, role)) {
      throw new DomainException(
        ErrorCode.RoleEscalation,
        `A ${principal.role} key cannot create a ${role} key`,
      );
    }
    const expiresAt = futureExpiry(dto.expiresAt);
    const issued = issueSecret(TENANT_KEY_KIND);
    const row: ApiKeyEntity = {
      tenantId,
      id: newId(),
      name: dto.name,
      role,
      prefix: issued.prefix,
      keyHash: issued.hash,
      createdByType: principal.kind,
      createdById: principal.id,
      createdAt: new Date(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      await assertRoleExists(em, tenantId, role);
      await em.insert(ApiKeyEntity, row);
      await this.audit.record(em, {
        tenantId,
        type: 'apikey.created',
        actor: actorOf(principal),
        target: { type: 'api_key', id: row.id },
        meta,
        changes: {
          after: {
            name: row.name,
            role,
            prefix: `${TENANT_KEY_KIND}_${row.prefix}`,
            expiresAt: expiresAt?.toISOString() ?? null,
          },
        },
      });
    });
    return { ...toView(row), key: issued.secret };
  }

  async list(tenantId: string, limit: number, after: CursorKey | null): Promise<Page<ApiKeyView>> {
    const qb = this.dataSource
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.tenant_id = :tenantId AND k.revoked_at IS NULL', { tenantId });
    const rows = await keyset(qb, 'k', 'created_at', after, limit).getMany();
    return pageOf(rows, limit, (k) => k.createdAt, toView);
  }

  /** Revoked at once: every instance forgets the key when the revocation commits. */
  async revoke(
    tenantId: string,
    id: string,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<void> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.ApiKeyNotFound);
    await this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(ApiKeyEntity)
        .set({ revokedAt: () => 'now()' })
        .where('tenant_id = :tenantId AND id = :id AND revoked_at IS NULL', { tenantId, id })
        .returning(['name', 'role', 'prefix'])
        .execute();
      const revoked = (result.raw as { name: string; role: string; prefix: string }[])[0];
      if (!revoked) throw new DomainException(ErrorCode.ApiKeyNotFound);
      await this.invalidation.announce(em, { kind: 'api_key', id });
      await this.audit.record(em, {
        tenantId,
        type: 'apikey.revoked',
        actor: actorOf(principal),
        target: { type: 'api_key', id },
        meta,
        changes: {
          before: {
            name: revoked.name,
            role: revoked.role,
            prefix: `${TENANT_KEY_KIND}_${revoked.prefix}`,
          },
        },
      });
    });
  }

  /**
   * The live key that matches the credential, compared in constant time; null otherwise. The
   * rows a prefix names are cached per instance until revoked anywhere or a minute old, so a
   * key's requests cost no query.
   */
  async authenticate(prefix: string, credential: string): Promise<AuthenticatedKey | null> {
    const candidates = await this.cache.rows(prefix, () =>
      this.dataSource.getRepository(ApiKeyEntity).findBy({ prefix, revokedAt: IsNull() }),
    );
    for (const key of candidates) {
      if (!secretMatches(credential, key.keyHash)) continue;
      if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) return null;
      this.lastUsed.record(
        key.id,
        (at) =>
          this.dataSource
            .getRepository(ApiKeyEntity)
            .update({ tenantId: key.tenantId, id: key.id }, { lastUsedAt: at }),
        key.lastUsedAt,
      );
      return { id: key.id, tenantId: key.tenantId, role: key.role, name: key.name };
    }
    return null;
  }
}

function toView(k: ApiKeyEntity): ApiKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: `${TENANT_KEY_KIND}_${k.prefix}`,
    role: k.role,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}
