import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { Strategy as OidcStrategy, type VerifyFunction } from 'openid-client/passport';
import { Strategy as GoogleStrategy, type Profile } from 'passport-google-oauth20';
import { isLoopbackHost } from '../config/config.js';
import { APP_CONFIG, type AppConfig, type OAuthClientConfig } from '../config/config.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import {
  OUTBOUND_FETCH,
  SsoConnectionsService,
  type SsoConnectionForSignIn,
} from '../sso-connections/index.js';
import {
  fromEntra,
  fromGoogle,
  fromOidc,
  type ExternalIdentity,
  type SsoProvider,
} from './external-identity.js';

/** A Passport strategy as our dispatcher drives it. */
export interface SsoStrategy {
  authenticate(req: unknown, options?: unknown): void;
}

export interface ResolvedProvider {
  provider: SsoProvider;
  strategy: SsoStrategy;
  callbackUrl: string;
  /** Set for a tenant's OIDC connection. */
  connection: SsoConnectionForSignIn | null;
}

/** Where Microsoft's multi-tenant (`common`) metadata is; openid-client knows it as Entra ID. */
const ENTRA_PUBLIC_CLOUD = 'https://login.microsoftonline.com';
const DISCOVERY_TIMEOUT_SECONDS = 5;
/** Discovery documents and keys are cached this long, then fetched again on the next sign-in. */
const STRATEGY_TTL_MS = 15 * 60_000;

type Done = (error: unknown, user?: ExternalIdentity | false) => void;

/**
 * openid-client's strategy sends `state` only when the provider lacks PKCE, and `nonce` only in
 * the implicit flows; we send both always, and the strategy stores and checks them.
 */
class StatefulOidcStrategy extends OidcStrategy {
  override authorizationRequestParams(
    req: Parameters<OidcStrategy['authorizationRequestParams']>[0],
    options: Parameters<OidcStrategy['authorizationRequestParams']>[1],
  ): URLSearchParams {
    const params = new URLSearchParams(super.authorizationRequestParams(req, options));
    params.set('state', oidc.randomState());
    params.set('nonce', oidc.randomNonce());
    return params;
  }
}

/**
 * The identity providers sign-in may use: Google and Microsoft from the server's configuration,
 * and tenants' OIDC connections. Strategies are built on first use from the providers' discovery
 * documents (fetched with a timeout; tenants' through the outbound fetch that refuses internal
 * addresses) and rebuilt after STRATEGY_TTL_MS or when a connection changes.
 */
@Injectable()
export class IdentityProvidersService {
  private readonly logger = new Logger('IdentityProviders');
  private readonly strategies = new Map<string, { at: number; built: Promise<SsoStrategy> }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly connections: SsoConnectionsService,
    @Inject(OUTBOUND_FETCH) private readonly outboundFetch: typeof fetch,
  ) {}

  /** The platform providers this server offers (those with a client configured). */
  platformProviders(): ('google' | 'microsoft')[] {
    return (['google', 'microsoft'] as const).filter((p) => this.config[p] !== null);
  }

  async resolve(provider: SsoProvider, connectionId: string | null): Promise<ResolvedProvider> {
    if (provider === 'oidc') {
      const connection = connectionId ? await this.connections.forSignIn(connectionId) : null;
      if (!connection) throw new DomainException(ErrorCode.SsoConnectionNotFound);
      const callbackUrl = `${this.config.publicUrl}/api/v1/auth/sso/oidc/${connection.id}/callback`;
      const strategy = await this.cached(
        `oidc:${connection.id}:${connection.updatedAt.getTime()}`,
        () => this.oidcStrategy(connection, callbackUrl),
      );
      return { provider, strategy, callbackUrl, connection };
    }
    const client = this.config[provider];
    if (!client)
      throw new DomainException(
        ErrorCode.SsoProviderNotConfigured,
        `Sign-in with ${provider === 'google' ? 'Google' : 'Microsoft'} is not set up on this server`,
      );
    const callbackUrl = `${this.config.publicUrl}/api/v1/auth/sso/${provider}/callback`;
    const strategy = await this.cached(provider, () =>
      provider === 'google'
        ? this.googleStrategy(client, callbackUrl)
        : this.entraStrategy(client, callbackUrl),
    );
    return { provider, strategy, callbackUrl, connection: null };
  }

  private cached(key: string, build: () => Promise<SsoStrategy>): Promise<SsoStrategy> {
    const hit = this.strategies.get(key);
    if (hit && Date.now() - hit.at < STRATEGY_TTL_MS) return hit.built;
    const built = build().catch((error: unknown) => {
      this.strategies.delete(key);
      this.logger.warn(
        { provider: key.split(':')[0], error: error instanceof Error ? error.message : error },
        'identity provider discovery failed',
      );
      if (error instanceof DomainException) throw error;
      throw new DomainException(
        ErrorCode.OidcDiscoveryFailed,
        "The identity provider's OpenID configuration could not be fetched: try again later",
        undefined,
        502,
      );
    });
    if (key.startsWith('oidc:')) {
      const prefix = key.split(':').slice(0, 2).join(':') + ':';
      for (const k of this.strategies.keys()) if (k.startsWith(prefix)) this.strategies.delete(k);
    }
    this.strategies.set(key, { at: Date.now(), built });
    return built;
  }

  /**
   * passport-google-oauth20 with the endpoints of GOOGLE_ISSUER's discovery document, state and
   * PKCE, and the access token sent in the Authorization header on the userinfo call.
   */
  private async googleStrategy(
    client: OAuthClientConfig,
    callbackURL: string,
  ): Promise<SsoStrategy> {
    const response = await fetch(`${client.issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_SECONDS * 1000),
      redirect: 'error',
    });
    if (!response.ok) throw new Error(`Google discovery answered ${response.status}`);
    const meta = (await response.json()) as Record<string, unknown>;
    const endpoint = (name: string): string => {
      const value = meta[name];
      if (typeof value !== 'string') throw new Error(`Google discovery has no ${name}`);
      const url = new URL(value);
      if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname)))
        throw new Error(`Google's ${name} is not https`);
      return value;
    };
    const strategy = new GoogleStrategy(
      {
        clientID: client.clientId,
        clientSecret: client.clientSecret,
        callbackURL,
        authorizationURL: endpoint('authorization_endpoint'),
        tokenURL: endpoint('token_endpoint'),
        // Ends in /userinfo, so the strategy parses the OpenID userinfo (sub, email_verified).
        userProfileURL: endpoint('userinfo_endpoint'),
        scope: ['openid', 'email', 'profile'],
        state: true,
        pkce: true,
      },
      (_accessToken: string, _refreshToken: string, profile: Profile, done: Done) => {
        try {
          done(null, fromGoogle(profile._json));
        } catch (error) {
          done(error);
        }
      },
    );
    // Strict providers refuse ?access_token= on GET; Google accepts the header too.
    (
      strategy as unknown as { _oauth2: { useAuthorizationHeaderforGET(on: boolean): void } }
    )._oauth2.useAuthorizationHeaderforGET(true);
    return strategy;
  }

  /**
   * Entra ID, multi-tenant (`common`): openid-client fills the discovered `{tenantid}` issuer with
   * each token's `tid` when the metadata comes from login.microsoftonline.com. For a national
   * cloud or a local test authority the metadata is fetched from MICROSOFT_AUTHORITY under that
   * name (see docs/decisions/005), and fromEntra checks the issuer against `tid` again for every
   * authority.
   */
  private async entraStrategy(
    client: OAuthClientConfig,
    callbackURL: string,
  ): Promise<SsoStrategy> {
    const authority = new URL(client.issuer);
    const insecure = authority.protocol === 'http:';
    const customFetch: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.origin === ENTRA_PUBLIC_CLOUD && authority.origin !== ENTRA_PUBLIC_CLOUD) {
        url.protocol = authority.protocol;
        url.host = authority.host;
        url.pathname = authority.pathname.replace(/\/$/, '') + url.pathname;
      }
      return fetch(url, { ...init, redirect: 'manual' });
    };
    const config = await oidc.discovery(
      new URL(`${ENTRA_PUBLIC_CLOUD}/common/v2.0`),
      client.clientId,
      client.clientSecret,
      undefined,
      {
        [oidc.customFetch]: customFetch,
        timeout: DISCOVERY_TIMEOUT_SECONDS,
        ...(insecure ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    const issuerTemplate = config.serverMetadata().issuer;
    const verify: VerifyFunction = (tokens, done) => {
      try {
        done(null, fromEntra(tokens.claims() ?? {}, issuerTemplate));
      } catch (error) {
        done(error);
      }
    };
    return new StatefulOidcStrategy(
      { config, callbackURL, scope: 'openid email profile', sessionKey: 'microsoft' },
      verify,
    );
  }

  /** A tenant's connection: discovery and every later call through the outbound fetch. */
  private async oidcStrategy(
    connection: SsoConnectionForSignIn,
    callbackURL: string,
  ): Promise<SsoStrategy> {
    const issuer = new URL(connection.issuer);
    const config = await oidc.discovery(
      issuer,
      connection.clientId,
      connection.clientSecret,
      undefined,
      {
        [oidc.customFetch]: this.outboundFetch,
        timeout: DISCOVERY_TIMEOUT_SECONDS,
        ...(issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : {}),
      },
    );
    const verify: VerifyFunction = (tokens, done) => {
      try {
        done(null, fromOidc(tokens.claims() ?? {}, connection));
      } catch (error) {
        done(error);
      }
    };
    return new StatefulOidcStrategy(
      { config, callbackURL, scope: 'openid email profile', sessionKey: `oidc:${connection.id}` },
      verify,
    );
  }
}
