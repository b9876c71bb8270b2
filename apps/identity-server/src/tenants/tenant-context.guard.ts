import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { routeAccess } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { TenantContextService } from './tenant-context.service.js';

/**
 * The second global guard, after AuthenticationGuard: resolves the tenant context and applies
 * the route's declaration. Deny by default: a route that declares none of a permission,
 * @OperatorOnly(), @SignedIn() or @Authenticated() is refused. The tenant is resolved before the
 * declaration is read, so an unknown or invisible tenant answers the same whatever the route.
 */
@Injectable()
export class TenantContextGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly tenantContext: TenantContextService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = routeAccess(this.reflector, context);
    if (access.kind === 'public') return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = request.principal;
    // Registered after AuthenticationGuard, which throws or sets it; refuse rather than trust.
    if (!principal) throw new DomainException(ErrorCode.Unauthenticated);

    await this.tenantContext.resolve(request, principal);

    switch (access.kind) {
      case 'operator':
        if (principal.kind !== 'operator') throw new DomainException(ErrorCode.OperatorRequired);
        return true;
      case 'permission':
        await this.tenantContext.authorize(request, principal, access.permission);
        return true;
      case 'signed-in':
        if (principal.kind !== 'user') throw new DomainException(ErrorCode.SignInRequired);
        return true;
      case 'authenticated':
        return true;
      case 'none':
        break;
    }

    this.logger.error(
      `route ${request.method} ${request.routeOptions.url ?? ''} declares no permission: refused`,
    );
    throw new DomainException(ErrorCode.PermissionDenied);
  }
}
