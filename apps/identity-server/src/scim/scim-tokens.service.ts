import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseSecret, PresentedSecret, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { RateLimitService } from '../auth/index.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { InvalidationService } from '../database/invalidation.service.js';
import { ErrorCode } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import {
  CredentialStore,
  TENANT_OWNED,
  type CredentialKind,
  type CredentialView,
} from '../credentials/index.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type { CreateScimTokenDto } from './dto/scim-token.dto.js';
import { ScimTokenEntity } from './scim-token.entity.js';

export const SCIM_TOKEN_KIND = 'scim';

export type ScimTokenView = CredentialView;

/** The tenant a SCIM request acts on, and the token it used (the audit actor). */
export interface ScimCaller {
  tenantId: string;
  tokenId: string;
}

const SCIM_TOKENS: CredentialKind<ScimTokenEntity, ScimTokenView> = {
  kind: SCIM_TOKEN_KIND,
  entity: ScimTokenEntity,
  owner: TENANT_OWNED,
  notFound: ErrorCode.ScimTokenNotFound,
  label: 'a SCIM token',
  // Provisioning sends many requests in a row; a revocation still drops the rows at once.
  cacheTtlMs: 30_000,
  view: (base) => base,
  audit: {
    created: 'scimtoken.created',
    revoked: 'scimtoken.revoked',
    subject: (token) => ({
      tenantId: token.tenantId,
      target: { type: 'scim_token', id: token.id },
    }),
  },
};

/**
 * Tenant SCIM tokens (`scim_…`): create (shown once), list, revoke and authenticate, through the
 * credential store that API keys use too.
 */
@Injectable()
export class ScimTokensService {
  private readonly logger = new Logger('ScimTokens');
  private readonly store: CredentialStore<ScimTokenEntity, ScimTokenView>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    invalidation: InvalidationService,
    private readonly rateLimits: RateLimitService,
  ) {
    this.store = new CredentialStore(SCIM_TOKENS, dataSource, audit, invalidation);
  }

  async create(
    tenantId: string,
    dto: CreateScimTokenDto,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<ScimTokenView & { token: string }> {
    const actor = actorOf(principal);
    const { view, secret } = await this.store.issue({
      name: dto.name,
      expiresAt: dto.expiresAt,
      actor,
      meta,
      complete: (common) => ({
        ...common,
        tenantId,
        createdByType: actor.type,
        createdById: principal.id,
      }),
      check: (em) => lockTenant(em, tenantId),
    });
    return { ...view, token: secret };
  }

  list(tenantId: string, limit: number, after: CursorKey | null): Promise<Page<ScimTokenView>> {
    return this.store.list(tenantId, limit, after);
  }

  /** Revoked at once: every instance forgets the token when the revocation commits. */
  revoke(tenantId: string, id: string, principal: Principal, meta: RequestMeta): Promise<void> {
    return this.store.revoke(tenantId, id, actorOf(principal), meta);
  }

  /**
   * The caller a bearer credential stands for, or null. A failure is a security event, counted per
   * token prefix and per client address: the first in a window is audited under the tenant whose
   * token the prefix names, and one more row when the prefix reaches its limit (with the count),
   * never one per request, so a public prefix cannot flood a tenant's audit trail. Past either
   * limit, failures answer 429. A valid token is never refused: failures of others do not lock a
   * tenant's provisioning out. The credential itself is never stored or logged.
   */
  async authenticate(credential: string, meta: RequestMeta): Promise<ScimCaller | null> {
    const parsed = parseSecret(credential);
    const checked =
      parsed?.kind === SCIM_TOKEN_KIND
        ? await this.store.verify(parsed.prefix, new PresentedSecret(credential))
        : ({ ok: false, reason: 'unknown_token', named: [] } as const);
    if (checked.ok) return { tenantId: checked.row.tenantId, tokenId: checked.row.id };
    const prefix = parsed ? `${parsed.kind}_${parsed.prefix}` : 'unrecognised';
    const byAddress = await this.rateLimits.hitAddress('scim_auth_ip', meta.ip);
    const byToken = parsed ? await this.rateLimits.hit('scim_auth_token', prefix) : null;
    const tokenRule = this.rateLimits.rule('scim_auth_token');
    const limited = [byAddress, byToken].filter((h) => h?.limited === true);
    // Off (hits 0): every failure is audited, as without a limit.
    const first = !limited.length && (byToken === null || byToken.hits <= 1);
    const tripped = byToken !== null && tokenRule.max > 0 && byToken.hits === tokenRule.max;
    const addressMax = this.rateLimits.rule('scim_auth_ip').max;
    if (addressMax > 0 && byAddress.hits === addressMax)
      this.logger.warn(
        { ip: meta.ip },
        'SCIM authentication failures from one address at the limit',
      );
    if (checked.named.length === 0) {
      if (first) this.logger.warn({ prefix, ip: meta.ip }, 'rejected SCIM credential');
    } else if (first || tripped) {
      await this.dataSource.transaction(async (em) => {
        for (const token of checked.named) {
          const event = {
            tenantId: token.tenantId,
            actor: { type: 'anonymous', id: meta.ip ?? 'unknown' },
            target: { type: 'scim_token', id: token.id },
            meta,
          };
          if (first)
            await this.audit.record(em, {
              ...event,
              type: 'scim.auth.failed',
              changes: { after: { reason: checked.reason, prefix } },
            });
          if (tripped)
            await this.audit.record(em, {
              ...event,
              type: 'scim.auth.rate_limited',
              changes: {
                after: { prefix, failures: byToken.hits, windowMinutes: tokenRule.windowMinutes },
              },
            });
        }
      });
    }
    if (limited.length > 0)
      throw this.rateLimits.refusal({
        hits: 0,
        limited: true,
        retryAfter: Math.max(...limited.map((h) => h!.retryAfter)),
      });
    return null;
  }
}
