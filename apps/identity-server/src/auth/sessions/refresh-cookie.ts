import {
  applyDecorators,
  Inject,
  Injectable,
  SetMetadata,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiHeader } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, map, type Observable } from 'rxjs';
import { cookieValue } from '../../common/cookies.js';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import type { TokenPair } from './sessions.service.js';

/**
 * The refresh token in a cookie, for browsers: scripts never read it (HttpOnly), other sites
 * never send it (SameSite=Strict), and it travels only to the auth routes (Path). Not
 * `__Host-`-prefixed: that prefix requires Path=/.
 */
export const REFRESH_COOKIE = 'refresh_token';
export const REFRESH_COOKIE_PATH = '/api/v1/auth';
/**
 * The request header that asks for cookie mode. A cross-site form cannot send a custom header,
 * and a cross-site fetch that does must pass a CORS preflight this server never grants (as it
 * must for the only body type it accepts, application/json): reading the cookie needs it.
 */
export const REFRESH_COOKIE_HEADER = 'x-refresh-cookie';

export interface RefreshCookieOptions {
  /** The answer's field that holds the pair (null there: no session), or the answer itself. */
  pairAt?: string;
  /** The route takes the refresh token from the cookie when the body has none. */
  reads?: boolean;
  /** The route ends the session: the cookie is cleared, asked or not. */
  clears?: boolean;
}

const OPTIONS = 'auth:refresh-cookie';

/**
 * Cookie mode on a route that answers a token pair: with `X-Refresh-Cookie: 1`, the refresh
 * token is set as the cookie and the answer's `refreshToken` is "". The one place that knows the
 * cookie: login, SSO exchange, verify-email, refresh and logout only carry this decorator.
 */
export const RefreshCookie = (options: RefreshCookieOptions = {}) =>
  applyDecorators(
    SetMetadata(OPTIONS, options),
    UseInterceptors(RefreshCookieInterceptor),
    ...(options.clears
      ? []
      : [
          ApiHeader({
            name: 'X-Refresh-Cookie',
            required: false,
            schema: { type: 'string', enum: ['1'] },
            description: options.reads
              ? 'Cookie mode (browsers): without refreshToken in the body, the refresh_token cookie is traded (401 refresh_token_invalid when there is none); the new one is set as the cookie and refreshToken answers ""'
              : `Cookie mode (browsers): the refresh token is set as the HttpOnly, SameSite=Strict ${REFRESH_COOKIE} cookie (Path=${REFRESH_COOKIE_PATH}) and refreshToken answers ""`,
          }),
        ]),
  );

@Injectable()
export class RefreshCookieInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const options =
      this.reflector.get<RefreshCookieOptions | undefined>(OPTIONS, context.getHandler()) ?? {};
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    if (options.clears) return next.handle().pipe(map((answer) => this.clear(reply, answer)));
    if (request.headers[REFRESH_COOKIE_HEADER] !== '1') return next.handle();
    if (options.reads) this.readCookie(request);
    const answered = next
      .handle()
      .pipe(map((answer) => this.intoCookie(reply, answer, options.pairAt)));
    if (!options.reads) return answered;
    // A refused cookie (unknown, expired, reused: the session is gone) is dropped from the
    // browser, so it stops sending it.
    return answered.pipe(
      catchError((error: unknown) => {
        if (
          error instanceof DomainException &&
          (error.code === ErrorCode.RefreshTokenInvalid ||
            error.code === ErrorCode.RefreshTokenReused)
        )
          this.setCookie(reply, '', 0);
        throw error;
      }),
    );
  }

  /** Puts the cookie's token in the body when the body has none; the DTO then validates it. */
  private readCookie(request: FastifyRequest): void {
    const body: unknown = request.body ?? {};
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
    if ((body as { refreshToken?: unknown }).refreshToken !== undefined) return;
    const token = cookieValue(request.headers.cookie, REFRESH_COOKIE);
    if (token === null)
      throw new DomainException(
        ErrorCode.RefreshTokenInvalid,
        'No refresh token in the body and no refresh cookie: sign in again',
      );
    request.body = { ...body, refreshToken: token };
  }

  private intoCookie(reply: FastifyReply, answer: unknown, pairAt: string | undefined): unknown {
    const holder = answer as Record<string, unknown>;
    const pair = (pairAt === undefined ? answer : holder[pairAt]) as TokenPair | null;
    if (pair === null) return answer;
    this.setCookie(reply, pair.refreshToken, this.config.sessionMaxAgeMinutes * 60);
    const hidden: TokenPair = { ...pair, refreshToken: '' };
    return pairAt === undefined ? hidden : { ...holder, [pairAt]: hidden };
  }

  private clear(reply: FastifyReply, answer: unknown): unknown {
    this.setCookie(reply, '', 0);
    return answer;
  }

  private setCookie(reply: FastifyReply, value: string, maxAgeSeconds: number): void {
    const attributes = [
      `${REFRESH_COOKIE}=${value}`,
      `Path=${REFRESH_COOKIE_PATH}`,
      `Max-Age=${maxAgeSeconds}`,
      'HttpOnly',
      'SameSite=Strict',
      ...(this.config.publicUrl.startsWith('https:') ? ['Secure'] : []),
    ];
    void reply.header('set-cookie', attributes.join('; '));
  }
}
