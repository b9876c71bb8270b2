import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '#auth-crypto';
import { issueSecret, newId, parseSecret, secretMatches } from '#database';
import {
  AccountEntity,
  AccountsService,
  ExternalAccountsService,
  MfaService,
  type SignedInIdentity,
} from '../accounts/index.js';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../audit/audit.service.js';
import { SessionsService, type TokenPair } from '../auth/index.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { RequestMeta } from '../common/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { InvitationsService, type RedeemingIdentity } from '../invitations/index.js';
import { MembershipsService } from '../members/index.js';
import { mfaChallenges, signIns } from '../metrics/metrics.js';
import type { ExternalIdentity, SsoProvider } from './external-identity.js';
import { IdentityProvidersService } from './identity-providers.service.js';
import { SsoCodeEntity } from './sso-code.entity.js';
import { FLOW_TTL_SECONDS, checkReturnTo, withParams, type SsoFlow } from './sso-flow.js';
import type { PassportOutcome, SsoRequest } from './sso.guard.js';

export const SSO_CODE_KIND = 'ssoc';
const CODE_TTL_MS = 60_000;

/** Where the browser goes after the callback: returnTo with a code, or with an error. */
export interface CallbackResult {
  location: string;
  /** The error code when the sign-in was refused. */
  error: ErrorCode | null;
}

/**
 * Sign-in through identity providers. The start validates everything (provider, invitation,
 * returnTo) before the browser leaves; the callback checks the flow cookie, lets the provider's
 * strategy validate the answer (state, nonce, PKCE, issuer, signature), signs the person in to
 * their account (ExternalAccountsService: no takeover by an unverified email), redeems the
 * invitation it carried, and hands the browser a single-use code, never a token, in returnTo.
 */
@Injectable()
export class SsoService {
  private readonly logger = new Logger('Sso');

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly providers: IdentityProvidersService,
    private readonly accounts: ExternalAccountsService,
    private readonly accountsService: AccountsService,
    private readonly invitations: InvitationsService,
    private readonly sessions: SessionsService,
    private readonly mfa: MfaService,
    private readonly memberships: MembershipsService,
    private readonly audit: AuditService,
  ) {}

  /** A path on this server as an absolute URL (for Location after a callback). */
  absolute(path: string): string {
    return `${this.config.publicUrl}${path}`;
  }

  get secureCookies(): boolean {
    return this.config.publicUrl.startsWith('https:');
  }

  /**
   * Checks a start's query and resolves the provider onto the request for Passport. The flow
   * is complete once Passport has filled request.session (see flowOf).
   */
  async prepareStart(
    request: SsoRequest,
    provider: SsoProvider,
    connectionId: string | null,
    query: { invitation?: unknown; returnTo?: unknown },
    linkAccountId: string | null,
  ): Promise<Omit<SsoFlow, 'passport' | 'exp'>> {
    const returnTo = checkReturnTo(query.returnTo, this.config.publicUrl);
    let invitation: string | null = null;
    if (query.invitation !== undefined && query.invitation !== '') {
      if (typeof query.invitation !== 'string' || query.invitation.length > 200)
        throw new DomainException(ErrorCode.InvitationNotFound);
      const preview = await this.invitations.preview(query.invitation);
      if (preview.status !== 'pending') {
        throw new DomainException(
          preview.status === 'expired'
            ? ErrorCode.InvitationExpired
            : preview.status === 'revoked'
              ? ErrorCode.InvitationRevoked
              : ErrorCode.InvitationAccepted,
        );
      }
      if (preview.identityProvider !== 'any' && preview.identityProvider !== provider) {
        throw new DomainException(
          ErrorCode.IdentityProviderMismatch,
          `This invitation must be accepted after signing in with ${preview.identityProvider === 'google' ? 'Google' : 'Microsoft Entra ID'}`,
        );
      }
      invitation = query.invitation;
    }
    const resolved = await this.providers.resolve(provider, connectionId);
    request.ssoStrategy = resolved.strategy;
    request.ssoCallbackUrl = resolved.callbackUrl;
    request.session = {};
    return {
      provider,
      connectionId,
      connectionTenantId: resolved.connection?.tenantId ?? null,
      invitation,
      returnTo,
      linkAccountId,
    };
  }

  flowOf(draft: Omit<SsoFlow, 'passport' | 'exp'>, request: SsoRequest): SsoFlow {
    return { ...draft, passport: request.session ?? {}, exp: Date.now() + FLOW_TTL_SECONDS * 1000 };
  }

  /** Puts the provider's strategy and the flow's saved state on a callback request. */
  async prepareCallback(request: SsoRequest, flow: SsoFlow): Promise<void> {
    const resolved = await this.providers.resolve(flow.provider, flow.connectionId);
    request.ssoStrategy = resolved.strategy;
    request.ssoCallbackUrl = resolved.callbackUrl;
    request.session = { ...flow.passport };
  }

  /** Turns the provider's answer into a signed-in person, or a refusal with its code. */
  async finish(
    flow: SsoFlow,
    outcome: PassportOutcome,
    meta: RequestMeta,
  ): Promise<CallbackResult> {
    try {
      const identity = this.identityOf(outcome);
      if (flow.linkAccountId) {
        await this.accounts.link(flow.linkAccountId, identity, meta);
        return { location: withParams(flow.returnTo, { linked: flow.provider }), error: null };
      }
      const signedIn = await this.accounts.signIn(identity, meta);
      if (signedIn.account.emailVerified) {
        await this.dataSource.transaction((em) =>
          this.memberships.linkVerifiedEmail(em, signedIn.account, meta),
        );
      }
      if (flow.invitation) {
        await this.invitations.redeem(
          signedIn.account.id,
          redeemingIdentity(identity),
          flow.invitation,
          meta,
        );
      }
      const code = await this.issueCode(signedIn, identity);
      return { location: withParams(flow.returnTo, { code }), error: null };
    } catch (error) {
      const refusal = this.refusalOf(error);
      signIns.inc({ method: flow.provider, result: 'failure' });
      const failed = (tenantId: string) => ({
        tenantId,
        type: 'auth.sso.failed',
        actor: { type: 'anonymous', id: meta.ip ?? 'unknown' },
        target: { type: 'provider', id: flow.connectionId ?? flow.provider },
        meta,
        changes: {
          after: {
            method: flow.provider,
            reason: refusal.code,
            ...(flow.invitation ? { invitation: true } : {}),
            ...(flow.linkAccountId ? { linkAccountId: flow.linkAccountId } : {}),
          },
        },
      });
      await this.dataSource.transaction(async (em) => {
        await this.audit.record(em, failed(PLATFORM_AUDIT_TENANT));
        // A refusal at an organization's own connection is that organization's security event.
        if (flow.connectionTenantId) await this.audit.record(em, failed(flow.connectionTenantId));
      });
      return {
        location: withParams(flow.returnTo, {
          error: refusal.code,
          error_description: refusal.message,
        }),
        error: refusal.code,
      };
    }
  }

  /**
   * The single-use code for the session: checked, then spent in the same transaction that opens
   * the session. An account with TOTP whose provider asserted no second factor must send its
   * code too; without one the answer is mfa_required and the code stays usable until it expires.
   */
  async exchange(
    dto: { code: string; totp?: string; recoveryCode?: string },
    meta: RequestMeta,
  ): Promise<TokenPair> {
    const parsed = parseSecret(dto.code);
    if (parsed?.kind !== SSO_CODE_KIND) throw new DomainException(ErrorCode.SsoCodeInvalid);
    const row = await this.dataSource
      .getRepository(SsoCodeEntity)
      .findOneBy({ prefix: parsed.prefix });
    if (!row || !secretMatches(dto.code, row.codeHash))
      throw new DomainException(ErrorCode.SsoCodeInvalid);
    if (row.usedAt !== null || row.expiresAt.getTime() <= Date.now()) {
      if (row.usedAt !== null) await this.auditReplay(row, meta);
      throw new DomainException(ErrorCode.SsoCodeInvalid);
    }
    const account = await this.dataSource
      .getRepository(AccountEntity)
      .findOneByOrFail({ id: row.accountId });
    let mfaVerified = row.mfaAsserted;
    if (account.totpConfirmedAt !== null && !row.mfaAsserted) {
      if (dto.totp === undefined && dto.recoveryCode === undefined) {
        mfaChallenges.inc({ result: 'required' });
        throw new DomainException(
          ErrorCode.MfaRequired,
          'Send the code from your authenticator app as totp, with the same code',
        );
      }
      await this.mfa.verifyForLogin(account, dto.totp, dto.recoveryCode, () =>
        this.auditFailure(account.id, row.signInMethod, 'mfa_invalid', meta),
      );
      mfaVerified = true;
    }
    // An OIDC sign-in's directory is the organization that owns the connection.
    const orgTenant = row.signInMethod === 'oidc' ? row.signInDirectory : null;
    const pair = await this.dataSource.transaction(async (em) => {
      const spent = await em
        .createQueryBuilder()
        .update(SsoCodeEntity)
        .set({ usedAt: () => 'now()' })
        .where('id = :id AND used_at IS NULL AND expires_at > now()', { id: row.id })
        .execute();
      if (spent.affected !== 1) return null;
      const after = { method: row.signInMethod, identityId: row.identityId, mfa: mfaVerified };
      await this.audit.recordForAccount(em, 'auth.login.succeeded', account.id, meta, { after });
      // A sign-in through an organization's own connection is in that organization's login history.
      if (orgTenant) {
        await this.audit.record(em, {
          tenantId: orgTenant,
          type: 'auth.login.succeeded',
          actor: { type: 'account', id: account.id },
          target: { type: 'provider', id: 'oidc' },
          meta,
          changes: { after: { ...after, email: account.email } },
        });
      }
      return this.sessions.open(em, account, row.signInMethod, mfaVerified, meta, {
        id: row.identityId,
        directory: row.signInDirectory,
      });
    });
    if (!pair) {
      await this.auditReplay(row, meta);
      throw new DomainException(ErrorCode.SsoCodeInvalid);
    }
    signIns.inc({ method: row.signInMethod, result: 'success' });
    return pair;
  }

  private async issueCode(signedIn: SignedInIdentity, identity: ExternalIdentity): Promise<string> {
    const code = issueSecret(SSO_CODE_KIND);
    const now = new Date();
    await this.dataSource.getRepository(SsoCodeEntity).insert({
      id: newId(),
      prefix: code.prefix,
      codeHash: code.hash,
      accountId: signedIn.account.id,
      identityId: signedIn.identity.id,
      signInMethod: identity.provider,
      signInDirectory: identity.signInDirectory,
      mfaAsserted: identity.mfa,
      expiresAt: new Date(now.getTime() + CODE_TTL_MS),
      usedAt: null,
      createdAt: now,
    });
    return code.secret;
  }

  private identityOf(outcome: PassportOutcome): ExternalIdentity {
    switch (outcome.kind) {
      case 'identity':
        return outcome.identity;
      case 'redirect':
        throw new DomainException(
          ErrorCode.SsoStateInvalid,
          'The identity provider sent neither a code nor an error',
        );
      case 'failed':
        if (outcome.message && /state/i.test(outcome.message))
          throw new DomainException(
            ErrorCode.SsoStateInvalid,
            'The sign-in state did not match: start again',
          );
        throw new DomainException(
          ErrorCode.SsoProviderError,
          outcome.message
            ? `The identity provider said: ${outcome.message.slice(0, 200)}`
            : undefined,
        );
      case 'error':
        throw outcome.error;
    }
  }

  /** A refusal's code and message; errors of the libraries are mapped, never shown raw. */
  private refusalOf(error: unknown): { code: ErrorCode; message: string } {
    if (error instanceof DomainException) return { code: error.code, message: error.message };
    const e = error as {
      name?: string;
      code?: string;
      message?: string;
      cause?: { claim?: string };
    };
    this.logger.warn(
      { name: e?.name, code: e?.code, error: e?.message?.slice(0, 300) },
      'identity provider answer refused',
    );
    // oauth4webapi: a claim of the id_token is not what was expected (openid-client wraps it).
    const claim = comparedClaim(error);
    if (claim === 'iss') {
      return {
        code: ErrorCode.SsoIssuerNotAllowed,
        message: "The token's issuer is not the one its directory signs with",
      };
    }
    if (claim === 'nonce') {
      return {
        code: ErrorCode.SsoStateInvalid,
        message: 'The sign-in state did not match: start again',
      };
    }
    // openid-client / oauth4webapi: the provider's own error response or an error redirect.
    if (
      e?.name === 'AuthorizationResponseError' ||
      e?.name === 'ResponseBodyError' ||
      e?.name === 'AuthorizationError' ||
      e?.name === 'TokenError'
    ) {
      return {
        code: ErrorCode.SsoProviderError,
        message: 'The identity provider refused the sign-in',
      };
    }
    if (typeof e?.message === 'string' && /state/i.test(e.message)) {
      return {
        code: ErrorCode.SsoStateInvalid,
        message: 'The sign-in state did not match: start again',
      };
    }
    return {
      code: ErrorCode.SsoFailed,
      message: "The identity provider's answer could not be verified",
    };
  }

  private auditReplay(row: SsoCodeEntity, meta: RequestMeta): Promise<void> {
    return this.auditFailure(row.accountId, row.signInMethod, 'code_replayed', meta);
  }

  private auditFailure(
    accountId: string,
    method: string,
    reason: string,
    meta: RequestMeta,
  ): Promise<void> {
    return this.accountsService.recordFailedSignIn(accountId, method, reason, meta);
  }
}

/** The claim an id_token check compared and found wrong, through openid-client's wrapping. */
function comparedClaim(error: unknown): string | null {
  let current = error as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; current && depth < 4; depth++) {
    const cause = current.cause as { claim?: unknown } | undefined;
    if (current.code === 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && typeof cause?.claim === 'string')
      return cause.claim;
    current = current.cause as typeof current;
  }
  return null;
}

/** What an IdP sign-in vouches for when it redeems an invitation. */
export function redeemingIdentity(identity: ExternalIdentity): RedeemingIdentity {
  return {
    method: identity.provider,
    directoryId: identity.signInDirectory,
    verifiedEmail: identity.emailVerified ? identity.email : null,
    unverifiedEmail: identity.emailVerified ? null : identity.email,
    // Google's username is its email, trusted only as verifiedEmail above.
    username: identity.provider === 'google' ? null : identity.username,
  };
}
