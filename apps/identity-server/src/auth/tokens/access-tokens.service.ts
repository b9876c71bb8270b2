import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose';
import { isUuid } from '#database';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { ACCESS_TOKEN_ALG, SigningKeysService } from './signing-keys.service.js';

export interface AccessTokenClaims {
  accountId: string;
  sessionId: string;
}

const TOKEN_TYPE = 'at+jwt';

/** Short-lived access tokens (RFC 9068 style JWTs) that name the account and the session. */
@Injectable()
export class AccessTokensService {
  constructor(
    private readonly keys: SigningKeysService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get ttlSeconds(): number {
    return this.config.accessTokenTtlSeconds;
  }

  async issue(claims: AccessTokenClaims): Promise<string> {
    const { kid, privateKey } = this.keys.current();
    return new SignJWT({ sid: claims.sessionId })
      .setProtectedHeader({ alg: ACCESS_TOKEN_ALG, kid, typ: TOKEN_TYPE })
      .setIssuer(this.config.publicUrl)
      .setAudience(this.config.publicUrl)
      .setSubject(claims.accountId)
      .setIssuedAt()
      .setExpirationTime(`${this.config.accessTokenTtlSeconds}s`)
      .sign(privateKey);
  }

  /**
   * Verifies signature (ES256 only: `alg: none` and HMAC tricks are refused), key, issuer,
   * audience, type and expiry. Expired tokens are told apart so clients know to refresh.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(
        token,
        async (header: JWTHeaderParameters) => {
          const key = header.kid ? await this.keys.publicKey(header.kid) : null;
          if (!key) throw new errors.JWKSNoMatchingKey();
          return key;
        },
        {
          algorithms: [ACCESS_TOKEN_ALG],
          issuer: this.config.publicUrl,
          audience: this.config.publicUrl,
          typ: TOKEN_TYPE,
          requiredClaims: ['sub', 'exp', 'iat'],
        },
      );
      const sid = payload.sid;
      if (typeof sid !== 'string' || !isUuid(sid) || !payload.sub || !isUuid(payload.sub))
        throw new errors.JWTInvalid('claims');
      return { accountId: payload.sub, sessionId: sid };
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        throw new DomainException(
          ErrorCode.TokenExpired,
          'The access token has expired: refresh it',
        );
      }
      throw new DomainException(ErrorCode.Unauthenticated, 'The access token is not valid');
    }
  }
}
