import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  Injectable,
  type CallHandler,
  type NestInterceptor,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Observable } from 'rxjs';
import { ScimError } from '#scim';
import { requestMeta } from '../common/decorators.js';
import { SCIM_CONTENT_TYPE } from './scim-errors.js';
import { ScimTokensService, type ScimCaller } from './scim-tokens.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by ScimAuthGuard: the tenant a SCIM token selects, and the token. */
    scim?: ScimCaller;
  }
}

/**
 * SCIM routes are @Public() to the global guard and authenticated here: a SCIM bearer token
 * selects the tenant. Missing, unknown, revoked and expired tokens are 401 alike; past the
 * failure limits (per token prefix and per client address) failures answer 429 with Retry-After,
 * in the SCIM error body (a DomainException, rendered by scimErrorRenderer).
 */
@Injectable()
export class ScimAuthGuard implements CanActivate {
  constructor(private readonly tokens: ScimTokensService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers.authorization;
    const credential =
      typeof header === 'string' ? /^Bearer\s+(\S{1,512})$/i.exec(header.trim())?.[1] : undefined;
    if (!credential) {
      throw new ScimError(401, undefined, 'Send the SCIM token as Authorization: Bearer <token>');
    }
    const caller = await this.tokens.authenticate(credential, requestMeta(request));
    if (!caller) {
      throw new ScimError(401, undefined, 'The SCIM token is not valid, expired or revoked');
    }
    request.scim = caller;
    return true;
  }
}

/** The caller ScimAuthGuard resolved; fails loudly on a route without it. */
export const Caller = createParamDecorator((_: unknown, ctx: ExecutionContext): ScimCaller => {
  const caller = ctx.switchToHttp().getRequest<FastifyRequest>().scim;
  if (!caller) throw new Error('Caller used on a route without ScimAuthGuard');
  return caller;
});

/** Every SCIM answer is application/scim+json (RFC 7644 §3.1); errors set it in the filter. */
@Injectable()
export class ScimContentType implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .header('content-type', SCIM_CONTENT_TYPE);
    return next.handle();
  }
}
