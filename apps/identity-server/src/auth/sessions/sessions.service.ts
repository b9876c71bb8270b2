import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import { issueSecret, newId, parseSecret, secretMatches } from '#database';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../../audit/audit.service.js';
import { ActivityWriter } from '../../common/activity-writer.js';
import { InvalidationService, type Invalidation } from '../../database/invalidation.service.js';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { RequestMeta } from '../../common/principal.js';
import { AccessTokensService } from '../tokens/access-tokens.service.js';
import { RefreshTokenEntity, SessionEntity, type SignInMethod } from './session.entities.js';

export const REFRESH_TOKEN_KIND = 'rt';
const CACHE_TTL_MS = 30_000;
const CACHE_MAX = 100_000;

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

export interface SessionState {
  id: string;
  accountId: string;
  signInMethod: SignInMethod;
  identityId: string | null;
  signInDirectory: string | null;
  mfaVerified: boolean;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface SessionView {
  id: string;
  current: boolean;
  signInMethod: SignInMethod;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

/**
 * Sessions and their tokens. The state each request needs is cached per instance and dropped
 * on every instance when a session is revoked (LISTEN/NOTIFY), so a revoked access token fails
 * on its next request everywhere.
 */
@Injectable()
export class SessionsService {
  private readonly logger = new Logger('Sessions');
  private readonly cache = new Map<string, { state: SessionState; at: number }>();
  private readonly lastSeen = new ActivityWriter(this.logger, 'session activity');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly tokens: AccessTokensService,
    private readonly invalidation: InvalidationService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    invalidation.subscribe((event) => this.forget(event));
  }

  /**
   * Drops cached session state. Other instances do it when the NOTIFY arrives; the instance that
   * made the change right after its commit (InvalidationService.announce), so its own next
   * request already sees it.
   */
  private forget(event: Invalidation): void {
    if (event.kind === 'all') this.cache.clear();
    else if (event.kind === 'session') this.cache.delete(event.id);
    else if (event.kind === 'account') {
      for (const [id, entry] of this.cache)
        if (entry.state.accountId === event.id) this.cache.delete(id);
    }
  }

  /** Opens a session inside the caller's transaction (which also audits the sign-in). */
  async open(
    em: EntityManager,
    account: { id: string },
    signInMethod: SignInMethod,
    mfaVerified: boolean,
    meta: RequestMeta,
    identity: { id: string; directory: string | null } | null = null,
  ): Promise<TokenPair> {
    const now = new Date();
    const session: SessionEntity = {
      id: newId(),
      accountId: account.id,
      signInMethod,
      identityId: identity?.id ?? null,
      signInDirectory: identity?.directory ?? null,
      mfaVerified,
      ip: meta.ip,
      userAgent: meta.userAgent,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.config.sessionMaxAgeMinutes * 60_000),
      revokedAt: null,
      revokedReason: null,
    };
    await em.insert(SessionEntity, session);
    const refreshToken = await this.issueRefreshToken(em, session.id);
    return this.pair(account.id, session.id, refreshToken);
  }

  /** Trades a refresh token for a new pair; a token presented twice revokes its session. */
  async refresh(refreshToken: string, meta: RequestMeta): Promise<TokenPair> {
    const parsed = parseSecret(refreshToken);
    if (parsed?.kind !== REFRESH_TOKEN_KIND)
      throw new DomainException(ErrorCode.RefreshTokenInvalid);
    const outcome = await this.dataSource.transaction(async (em) => {
      const token = await em
        .getRepository(RefreshTokenEntity)
        .createQueryBuilder('r')
        .setLock('pessimistic_write')
        .where('r.prefix = :prefix', { prefix: parsed.prefix })
        .getOne();
      if (!token || !secretMatches(refreshToken, token.tokenHash))
        return { error: ErrorCode.RefreshTokenInvalid, sessionId: null } as const;
      const session = await em.getRepository(SessionEntity).findOneBy({ id: token.sessionId });
      if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) {
        return { error: ErrorCode.RefreshTokenInvalid, sessionId: null } as const;
      }
      if (token.usedAt) {
        await this.revokeIn(
          em,
          session,
          'refresh_token_reused',
          { type: 'system', id: 'refresh' },
          meta,
        );
        return { error: ErrorCode.RefreshTokenReused, sessionId: session.id } as const;
      }
      await em.update(RefreshTokenEntity, { id: token.id }, { usedAt: new Date() });
      await em.update(
        SessionEntity,
        { id: session.id },
        { lastSeenAt: new Date(), ip: meta.ip, userAgent: meta.userAgent },
      );
      const next = await this.issueRefreshToken(em, session.id);
      return { error: null, accountId: session.accountId, sessionId: session.id, next } as const;
    });
    // The reuse revocation above is committed before the error is raised.
    if (outcome.error) throw new DomainException(outcome.error);
    return this.pair(outcome.accountId, outcome.sessionId, outcome.next);
  }

  /** The state of a session for an authenticated request, or null when it cannot be used. */
  async state(sessionId: string): Promise<SessionState | null> {
    const now = Date.now();
    const cached = this.cache.get(sessionId);
    let state = cached && now - cached.at < CACHE_TTL_MS ? cached.state : null;
    if (!state) {
      const row = await this.dataSource.getRepository(SessionEntity).findOneBy({ id: sessionId });
      if (!row) return null;
      state = {
        id: row.id,
        accountId: row.accountId,
        signInMethod: row.signInMethod,
        identityId: row.identityId,
        signInDirectory: row.signInDirectory,
        mfaVerified: row.mfaVerified,
        createdAt: row.createdAt.getTime(),
        expiresAt: row.expiresAt.getTime(),
        revoked: row.revokedAt !== null,
      };
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      this.cache.set(sessionId, { state, at: now });
    }
    if (state.revoked || state.expiresAt <= now) return null;
    this.lastSeen.record(sessionId, (at) =>
      this.dataSource.getRepository(SessionEntity).update({ id: sessionId }, { lastSeenAt: at }),
    );
    return state;
  }

  async list(accountId: string, currentSessionId: string | null): Promise<SessionView[]> {
    const rows = await this.dataSource.getRepository(SessionEntity).find({
      where: { accountId, revokedAt: IsNull(), expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'DESC' },
      take: 200,
    });
    return rows.map((s) => ({
      id: s.id,
      current: s.id === currentSessionId,
      signInMethod: s.signInMethod,
      ip: s.ip,
      userAgent: s.userAgent,
      createdAt: s.createdAt.toISOString(),
      lastSeenAt: s.lastSeenAt.toISOString(),
      expiresAt: s.expiresAt.toISOString(),
    }));
  }

  /** Revokes one of the account's sessions; another account's session is not found. */
  async revoke(
    accountId: string,
    sessionId: string,
    reason: string,
    meta: RequestMeta,
  ): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const session = await em
        .getRepository(SessionEntity)
        .createQueryBuilder('s')
        .setLock('pessimistic_write')
        .where('s.id = :sessionId AND s.account_id = :accountId AND s.revoked_at IS NULL', {
          sessionId,
          accountId,
        })
        .getOne();
      if (!session) throw new DomainException(ErrorCode.SessionNotFound);
      await this.revokeIn(em, session, reason, { type: 'account', id: accountId }, meta);
    });
  }

  /** Revokes every live session of the account but one (after a password change); all with null. */
  async revokeOthers(
    em: EntityManager,
    accountId: string,
    keepSessionId: string | null,
    reason: string,
  ): Promise<number> {
    const result = await em
      .createQueryBuilder()
      .update(SessionEntity)
      .set({ revokedAt: () => 'now()', revokedReason: reason })
      .where('account_id = :accountId AND revoked_at IS NULL', { accountId })
      .andWhere(keepSessionId ? 'id <> :keep' : 'TRUE', { keep: keepSessionId })
      .execute();
    await this.invalidation.announce(em, { kind: 'account', id: accountId });
    return result.affected ?? 0;
  }

  /** Revokes every live session of the account (after a password reset), on every instance. */
  revokeAll(em: EntityManager, accountId: string, reason: string): Promise<number> {
    return this.revokeOthers(em, accountId, null, reason);
  }

  private async revokeIn(
    em: EntityManager,
    session: SessionEntity,
    reason: string,
    actor: { type: string; id: string },
    meta: RequestMeta,
  ): Promise<void> {
    await em.update(
      SessionEntity,
      { id: session.id },
      { revokedAt: new Date(), revokedReason: reason },
    );
    await this.audit.record(em, {
      tenantId: PLATFORM_AUDIT_TENANT,
      type: 'session.revoked',
      actor,
      target: { type: 'account', id: session.accountId },
      meta,
      changes: { after: { sessionId: session.id, reason } },
    });
    await this.invalidation.announce(em, { kind: 'session', id: session.id });
  }

  private async issueRefreshToken(em: EntityManager, sessionId: string): Promise<string> {
    const issued = issueSecret(REFRESH_TOKEN_KIND);
    await em.insert(RefreshTokenEntity, {
      id: newId(),
      sessionId,
      prefix: issued.prefix,
      tokenHash: issued.hash,
      createdAt: new Date(),
      usedAt: null,
    });
    return issued.secret;
  }

  private async pair(
    accountId: string,
    sessionId: string,
    refreshToken: string,
  ): Promise<TokenPair> {
    return {
      accessToken: await this.tokens.issue({ accountId, sessionId }),
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.tokens.ttlSeconds,
    };
  }
}
