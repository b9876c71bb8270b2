import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import {
  AUTHENTICATED,
  IS_PUBLIC,
  OPERATOR_ONLY,
  PERMISSION,
  SIGNED_IN,
  type RequiredPermission,
} from '../common/decorators.js';
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
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = request.principal;
    // Registered after AuthenticationGuard, which throws or sets it; refuse rather than trust.
    if (!principal) throw new DomainException(ErrorCode.Unauthenticated);

    await this.tenantContext.resolve(request, principal);

    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, targets)) {
      if (principal.kind !== 'operator') throw new DomainException(ErrorCode.OperatorRequired);
      return true;
    }
    const permission = this.reflector.getAllAndOverride<RequiredPermission | undefined>(
      PERMISSION,
      targets,
    );
    if (permission) {
      await this.tenantContext.authorize(request, principal, permission);
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(SIGNED_IN, targets)) {
      if (principal.kind !== 'user') throw new DomainException(ErrorCode.SignInRequired);
      return true;
    }
    if (this.reflector.getAllAndOverride<boolean>(AUTHENTICATED, targets)) return true;

    this.logger.error(
      `route ${request.method} ${request.routeOptions.url ?? ''} declares no permission: refused`,
    );
    throw new DomainException(ErrorCode.PermissionDenied);
  }
}
