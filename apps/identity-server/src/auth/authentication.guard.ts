import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { routeAccess } from '../common/decorators.js';
import { AuthenticationService } from './authentication.service.js';

/**
 * The first global guard: every route needs a valid credential unless marked @Public(). It sets
 * `request.principal`; the tenant context guard, registered after it, decides what it may do.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (routeAccess(this.reflector, context).kind === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    request.principal = await this.authentication.authenticate(request);
    return true;
  }
}
