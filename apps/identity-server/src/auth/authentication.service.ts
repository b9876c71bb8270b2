import { Injectable, Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { parseSecret, PresentedSecret } from '#database';
import {
  ApiKeysService,
  PERSONAL_KEY_KIND,
  PersonalApiKeysService,
  TENANT_KEY_KIND,
} from '../api-keys/index.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/principal.js';
import { OperatorKeyService } from './operator-key.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokensService } from './tokens/access-tokens.service.js';

/** Three base64url segments starting with a JSON header: an access token, not a key. */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Who is calling, from the Authorization header: the operator key, an access token (with its
 * live session), a personal key (pk_) or a tenant key (tk_). Knows nothing of tenants; the tenant
 * context (tenants/tenant-context.service.ts) is resolved after it.
 */
@Injectable()
export class AuthenticationService {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly operatorKey: OperatorKeyService,
    private readonly apiKeys: ApiKeysService,
    private readonly personalKeys: PersonalApiKeysService,
    private readonly accessTokens: AccessTokensService,
    private readonly sessions: SessionsService,
  ) {}

  async authenticate(request: FastifyRequest): Promise<Principal> {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header.length === 0) {
      throw new DomainException(
        ErrorCode.Unauthenticated,
        'Send a credential in the Authorization header: Bearer <key>',
      );
    }
    const match = /^Bearer\s+(\S{1,512})$/i.exec(header.trim());
    const credential = match?.[1];
    if (!credential) {
      throw new DomainException(ErrorCode.Unauthenticated, 'The credential is not valid');
    }
    // Hashed once, for the operator key and for the stored keys its prefix names.
    const presented = new PresentedSecret(credential);
    // PLATFORM_API_KEY may be any random string, so the operator key is checked before parsing.
    if (this.operatorKey.matches(presented)) return { kind: 'operator', id: 'platform' };
    if (JWT_SHAPE.test(credential)) return this.fromAccessToken(credential);
    const parsed = parseSecret(credential);
    if (parsed?.kind === PERSONAL_KEY_KIND) {
      const key = await this.personalKeys.authenticate(parsed.prefix, presented);
      if (key)
        return {
          kind: 'user',
          id: key.accountId,
          sessionId: null,
          sessionCreatedAt: null,
          signInMethod: null,
          identityId: null,
          signInDirectory: null,
          personalKeyId: key.keyId,
          mfaVerified: false,
        };
    }
    if (parsed?.kind === TENANT_KEY_KIND) {
      const key = await this.apiKeys.authenticate(parsed.prefix, presented);
      if (key) {
        return {
          kind: 'api_key',
          id: key.id,
          tenantId: key.tenantId,
          role: key.role,
          name: key.name,
        };
      }
    }
    this.logger.warn(
      { prefix: parsed ? `${parsed.kind}_${parsed.prefix}` : 'unrecognised', ip: request.ip },
      'rejected credential',
    );
    throw new DomainException(
      ErrorCode.Unauthenticated,
      'The credential is not valid, expired or revoked',
    );
  }

  private async fromAccessToken(token: string): Promise<Principal> {
    const claims = await this.accessTokens.verify(token);
    const session = await this.sessions.state(claims.sessionId);
    if (!session || session.accountId !== claims.accountId) {
      throw new DomainException(ErrorCode.Unauthenticated, 'The session has ended: sign in again');
    }
    return {
      kind: 'user',
      id: claims.accountId,
      sessionId: claims.sessionId,
      sessionCreatedAt: session.createdAt,
      signInMethod: session.signInMethod,
      identityId: session.identityId,
      signInDirectory: session.signInDirectory,
      personalKeyId: null,
      mfaVerified: session.mfaVerified,
    };
  }
}
