import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { decide, rolesAllowed, type Policy } from '#policy';
import { isUuid, parseSecret } from '#database';
import { DomainException, ErrorCode } from '../common/errors.js';
import {
  AUTHENTICATED,
  IS_PUBLIC,
  SIGNED_IN,
  OPERATOR_ONLY,
  PERMISSION,
  type RequiredPermission,
} from '../common/decorators.js';
import { ApiKeysService, TENANT_KEY_KIND } from '../api-keys/api-keys.service.js';
import { TenantsService } from '../tenants/tenants.service.js';
import { OperatorKeyService } from './operator-key.service.js';
import { MembershipsService } from '../members/memberships.service.js';
import {
  PERSONAL_KEY_KIND,
  PersonalApiKeysService,
} from '../api-keys/personal-api-keys.service.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokensService } from './tokens/access-tokens.service.js';
import { actorOf, type Principal, type UserPrincipal } from './principal.js';
import { AccessRulesService } from '../access-rules/access-rules.service.js';
import { accessOf } from '../access-rules/access-subject.js';
import { AuditService } from '../audit/audit.service.js';
import { requestMeta } from '../common/decorators.js';
import { DataSource } from 'typeorm';
import { PolicyService } from '../authz/policy.service.js';

/** Three base64url segments starting with a JSON header: an access token, not a key. */
const JWT_SHAPE = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$/;

/**
 * Deny by default: every route needs a valid credential unless marked @Public(), and a route
 * that declares none of a permission, @OperatorOnly(), @SignedIn() or @Authenticated() is
 * refused. Credentials: the operator key, access tokens (sessions), personal keys (pk_) and
 * tenant keys (tk_).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('AuthGuard');

  constructor(
    private readonly reflector: Reflector,
    private readonly operatorKey: OperatorKeyService,
    private readonly apiKeys: ApiKeysService,
    private readonly tenants: TenantsService,
    private readonly personalKeys: PersonalApiKeysService,
    private readonly accessTokens: AccessTokensService,
    private readonly sessions: SessionsService,
    private readonly memberships: MembershipsService,
    private readonly accessRules: AccessRulesService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly policies: PolicyService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const principal = await this.authenticate(request);
    request.principal = principal;

    await this.resolveTenant(request, principal);
    if (request.tenantId) await this.enforceAccessRules(request, request.tenantId);

    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ONLY, targets)) {
      if (principal.kind !== 'operator') throw new DomainException(ErrorCode.OperatorRequired);
      return true;
    }
    const permission = this.reflector.getAllAndOverride<RequiredPermission | undefined>(
      PERMISSION,
      targets,
    );
    if (permission) {
      try {
        request.teamLeadOnly = !this.authorize(principal, request.policy, permission);
      } catch (error) {
        if (request.tenantId && error instanceof DomainException)
          await this.auditDenial(request, request.tenantId, {
            code: error.code,
            permission: `${permission.action} ${permission.subject}`,
          });
        throw error;
      }
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

  private async authenticate(request: FastifyRequest): Promise<Principal> {
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
    // PLATFORM_API_KEY may be any random string, so the operator key is checked before parsing.
    if (this.operatorKey.matches(credential)) return { kind: 'operator', id: 'platform' };
    if (JWT_SHAPE.test(credential)) return this.fromAccessToken(credential);
    const parsed = parseSecret(credential);
    if (parsed?.kind === PERSONAL_KEY_KIND) {
      const key = await this.personalKeys.authenticate(parsed.prefix, credential);
      if (key)
        return {
          kind: 'user',
          id: key.accountId,
          sessionId: null,
          sessionCreatedAt: null,
          signInMethod: null,
          personalKeyId: key.keyId,
          mfaVerified: false,
        };
    }
    if (parsed?.kind === TENANT_KEY_KIND) {
      const key = await this.apiKeys.authenticate(parsed.prefix, credential);
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
      personalKeyId: null,
      mfaVerified: session.mfaVerified,
    };
  }

  /**
   * A person reaches a tenant through an active membership, with the tenant's demands met:
   * a second factor when it requires MFA, and a session younger than its sessionTtlMinutes.
   */
  private async checkMembership(
    tenantId: string,
    user: UserPrincipal,
  ): Promise<{ id: string; role: string }> {
    const access = await this.memberships.access(tenantId, user.id);
    if (!access) throw new DomainException(ErrorCode.TenantNotFound);
    // Admitted positively on what the status grants, never as "not suspended".
    if (!access.hasAccess) throw new DomainException(ErrorCode.MemberSuspended);
    const mfaSatisfied = user.sessionId ? user.mfaVerified : access.accountHasMfa;
    if (access.mfaRequired && !mfaSatisfied) {
      throw new DomainException(
        ErrorCode.MfaRequired,
        'This organization requires two-factor authentication: enrol with POST /api/v1/me/mfa/totp, then sign in again with your code',
        undefined,
        403,
      );
    }
    if (
      user.sessionCreatedAt !== null &&
      Date.now() - user.sessionCreatedAt > access.sessionTtlMinutes * 60_000
    ) {
      throw new DomainException(ErrorCode.SessionExpired);
    }
    this.memberships.touch(tenantId, access.membershipId);
    return { id: access.membershipId, role: access.role };
  }

  /** The tenant's IP and time rules bind its members and keys (not the platform operator). */
  private async enforceAccessRules(request: FastifyRequest, tenantId: string): Promise<void> {
    const { subject, context } = accessOf(request);
    if (!subject) return;
    const decision = await this.accessRules.check(tenantId, subject, context);
    if (decision.allowed) return;
    await this.auditDenial(request, tenantId, {
      code: decision.code,
      ...(decision.rule ? { rule: decision.rule } : {}),
    });
    throw new DomainException(
      ErrorCode.AccessRuleDenied,
      decision.rule
        ? `Refused by the access rule "${decision.rule.name}"`
        : 'Outside the addresses and hours this organization allows',
    );
  }

  /** Every refusal inside a tenant (access rules or permissions) is an `access.denied` event. */
  private async auditDenial(
    request: FastifyRequest,
    tenantId: string,
    why: Record<string, unknown>,
  ): Promise<void> {
    await this.dataSource.transaction((em) =>
      this.audit.record(em, {
        tenantId,
        type: 'access.denied',
        actor: actorOf(request.principal as Principal),
        target: {
          type: 'route',
          id: `${request.method} ${request.routeOptions.url ?? ''}`.slice(0, 64),
        },
        meta: requestMeta(request),
        changes: { after: why },
      }),
    );
  }

  /** A tenant another principal cannot see is reported exactly like one that does not exist. */
  private async resolveTenant(request: FastifyRequest, principal: Principal): Promise<void> {
    const params = request.params as Record<string, string | undefined> | undefined;
    const tenantId = params?.tenantId;
    if (tenantId === undefined) return;
    if (!isUuid(tenantId)) throw new DomainException(ErrorCode.TenantNotFound);
    if (principal.kind === 'user') {
      const membership = await this.checkMembership(tenantId, principal);
      const member = await this.policies.forMember(tenantId, membership.id);
      if (!member) throw new DomainException(ErrorCode.TenantNotFound);
      request.membership = membership;
      request.policy = member.policy;
      request.tenantId = tenantId;
      return;
    }
    if (principal.kind === 'api_key') {
      if (principal.tenantId !== tenantId) throw new DomainException(ErrorCode.TenantNotFound);
      request.policy = await this.policies.forApiKey(tenantId, principal.id, principal.role);
    } else if (!(await this.tenants.exists(tenantId))) {
      throw new DomainException(ErrorCode.TenantNotFound);
    }
    request.tenantId = tenantId;
  }

  /**
   * The route's permission, decided by the caller's role, custom role and team grants. Returns
   * false when only a team lead's standing may still allow it (the service decides that).
   */
  private authorize(
    principal: Principal,
    policy: Policy | undefined,
    { action, subject, orTeamLead }: RequiredPermission,
  ): boolean {
    if (principal.kind === 'operator') return true;
    if (!policy) throw new DomainException(ErrorCode.PermissionDenied);
    const decision = decide(policy, action, subject);
    if (decision.allowed) return true;
    if (
      orTeamLead &&
      policy.snapshot.kind === 'member' &&
      decision.reason.code !== 'denied_by_rule'
    )
      return false;
    if (decision.reason.code === 'denied_by_rule') {
      throw new DomainException(
        ErrorCode.PermissionDenied,
        decision.reason.rule?.reason ?? `A rule forbids you to ${action} ${subject}`,
      );
    }
    const holders = rolesAllowed(action, subject);
    if (holders.length === 1 && holders[0] === 'admin')
      throw new DomainException(ErrorCode.AdminRequired);
    throw new DomainException(
      ErrorCode.PermissionDenied,
      `Your role (${policy.snapshot.role}) may not ${action} ${subject}`,
    );
  }
}
