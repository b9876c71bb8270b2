import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isUuid, issueSecret, newId, parseSecret, secretMatches, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { ActivityWriter } from '../common/activity-writer.js';
import { InvalidationService } from '../database/invalidation.service.js';
import { futureExpiry, PrefixCache } from '../common/credentials.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type { CreateScimTokenDto } from './dto/scim-token.dto.js';
import { ScimTokenEntity } from './scim-token.entity.js';

export const SCIM_TOKEN_KIND = 'scim';

/** Token rows are cached per instance this long at most; a revocation drops them at once. */
const CACHE_TTL_MS = 30_000;

export interface ScimTokenView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** The tenant a SCIM request acts on, and the token it used (the audit actor). */
export interface ScimCaller {
  tenantId: string;
  tokenId: string;
}

/**
 * Tenant SCIM tokens: create (shown once), list, revoke, and authenticate. Like API keys they are
 * stored as SHA-256, found by their prefix and compared in constant time. Provisioning sends many
 * requests in a row, so the rows a prefix names are cached per instance; revoking a token tells
 * every instance (NOTIFY), and each forgets the tenant's tokens.
 */
@Injectable()
export class ScimTokensService {
  private readonly logger = new Logger('ScimTokens');
  private readonly lastUsed = new ActivityWriter(this.logger, 'the last use of a SCIM token');
  private readonly cache = new PrefixCache<ScimTokenEntity>(CACHE_TTL_MS);

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: InvalidationService,
  ) {
    invalidation.subscribe((event) => {
      if (event.kind === 'all') this.cache.clear();
      else if (event.kind === 'scim_tokens') this.cache.forget((k) => k.tenantId === event.id);
    });
  }

  async create(
    tenantId: string,
    dto: CreateScimTokenDto,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<ScimTokenView & { token: string }> {
    const expiresAt = futureExpiry(dto.expiresAt);
    const issued = issueSecret(SCIM_TOKEN_KIND);
    const row: ScimTokenEntity = {
      tenantId,
      id: newId(),
      name: dto.name,
      prefix: issued.prefix,
      tokenHash: issued.hash,
      createdByType: actorOf(principal).type,
      createdById: principal.id,
      createdAt: new Date(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      await em.insert(ScimTokenEntity, row);
      await this.audit.record(em, {
        tenantId,
        type: 'scimtoken.created',
        actor: actorOf(principal),
        target: { type: 'scim_token', id: row.id },
        meta,
        changes: {
          after: {
            name: row.name,
            prefix: `${SCIM_TOKEN_KIND}_${row.prefix}`,
            expiresAt: expiresAt?.toISOString() ?? null,
          },
        },
      });
    });
    return { ...toView(row), token: issued.secret };
  }

  async list(
    tenantId: string,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<ScimTokenView>> {
    const qb = this.dataSource
      .getRepository(ScimTokenEntity)
      .createQueryBuilder('k')
      .where('k.tenant_id = :tenantId AND k.revoked_at IS NULL', { tenantId });
    const rows = await keyset(qb, 'k', 'created_at', after, limit).getMany();
    return pageOf(rows, limit, (k) => k.createdAt, toView);
  }

  /** Revoked at once: authentication reads the row on every request. */
  async revoke(
    tenantId: string,
    id: string,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<void> {
    if (!isUuid(id)) throw notFound();
    await this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(ScimTokenEntity)
        .set({ revokedAt: () => 'now()' })
        .where('tenant_id = :tenantId AND id = :id AND revoked_at IS NULL', { tenantId, id })
        .returning(['name', 'prefix'])
        .execute();
      const revoked = (result.raw as { name: string; prefix: string }[])[0];
      if (!revoked) throw notFound();
      await this.invalidation.announce(em, { kind: 'scim_tokens', id: tenantId });
      await this.audit.record(em, {
        tenantId,
        type: 'scimtoken.revoked',
        actor: actorOf(principal),
        target: { type: 'scim_token', id },
        meta,
        changes: {
          before: { name: revoked.name, prefix: `${SCIM_TOKEN_KIND}_${revoked.prefix}` },
        },
      });
    });
  }

  /**
   * The caller a bearer credential stands for, or null. A failure is a security event: audited
   * under the tenant whose token the prefix names, otherwise logged (never with the credential).
   */
  async authenticate(credential: string, meta: RequestMeta): Promise<ScimCaller | null> {
    const parsed = parseSecret(credential);
    const candidates = parsed?.kind === SCIM_TOKEN_KIND ? await this.byPrefix(parsed.prefix) : [];
    const token = candidates.find((k) => secretMatches(credential, k.tokenHash));
    const reason = !token
      ? 'unknown_token'
      : token.revokedAt
        ? 'revoked'
        : token.expiresAt && token.expiresAt.getTime() <= Date.now()
          ? 'expired'
          : null;
    if (token && reason === null) {
      this.lastUsed.record(
        token.id,
        (at) =>
          this.dataSource
            .getRepository(ScimTokenEntity)
            .update({ tenantId: token.tenantId, id: token.id }, { lastUsedAt: at }),
        token.lastUsedAt,
      );
      return { tenantId: token.tenantId, tokenId: token.id };
    }
    const prefix = parsed ? `${parsed.kind}_${parsed.prefix}` : 'unrecognised';
    const known = token ? [token] : candidates;
    if (known.length === 0) {
      this.logger.warn({ prefix, ip: meta.ip }, 'rejected SCIM credential');
      return null;
    }
    await this.dataSource.transaction(async (em) => {
      for (const k of known) {
        await this.audit.record(em, {
          tenantId: k.tenantId,
          type: 'scim.auth.failed',
          actor: { type: 'anonymous', id: meta.ip ?? 'unknown' },
          target: { type: 'scim_token', id: k.id },
          meta,
          changes: { after: { reason: reason ?? 'unknown_token', prefix } },
        });
      }
    });
    return null;
  }

  private byPrefix(prefix: string): Promise<ScimTokenEntity[]> {
    return this.cache.rows(prefix, () =>
      this.dataSource.getRepository(ScimTokenEntity).findBy({ prefix }),
    );
  }
}

function notFound(): DomainException {
  return new DomainException(ErrorCode.ScimTokenNotFound);
}

function toView(k: ScimTokenEntity): ScimTokenView {
  return {
    id: k.id,
    name: k.name,
    prefix: `${SCIM_TOKEN_KIND}_${k.prefix}`,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}
