import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { decide, rolesAllowed, type Policy } from '#policy';
import { isUuid } from '#database';
import { accessOf, AccessRulesService } from '../access-rules/index.js';
import { AuditService } from '../audit/audit.service.js';
import { requestMeta, type RequiredPermission } from '../common/decorators.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { actorOf, type Principal, type UserPrincipal } from '../common/principal.js';
import { MembershipsService } from '../members/index.js';
import { signInSatisfies } from '../tenancy/sign-in-policy.js';
import { PolicyService } from '../policy/policy.service.js';
import { TenantsService } from './tenants.service.js';

/**
 * What a caller, once authenticated, is inside the tenant its route names (`:tenantId`): the
 * tenant (checked to exist and be visible), its membership, its compiled policy, the tenant's
 * access rules, and the decision on the route's permission. Every refusal inside a tenant is
 * audited as `access.denied`.
 */
@Injectable()
export class TenantContextService {
  constructor(
    private readonly tenants: TenantsService,
    private readonly memberships: MembershipsService,
    private readonly accessRules: AccessRulesService,
    private readonly audit: AuditService,
    private readonly dataSource: DataSource,
    private readonly policies: PolicyService,
  ) {}

  /**
   * Sets `request.tenantId`, `membership` and `policy` for a route with :tenantId, then applies
   * the tenant's IP and time rules. A route without :tenantId is left as it is.
   */
  async resolve(request: FastifyRequest, principal: Principal): Promise<void> {
    await this.resolveTenant(request, principal);
    if (request.tenantId) await this.enforceAccessRules(request, request.tenantId);
  }

  /**
   * Decides the route's permission for the resolved caller; sets `request.teamLeadOnly` when only
   * a team lead's standing may still allow it. A refusal inside a tenant is audited.
   */
  async authorize(
    request: FastifyRequest,
    principal: Principal,
    permission: RequiredPermission,
  ): Promise<void> {
    try {
      request.teamLeadOnly = !this.decide(principal, request.policy, permission);
    } catch (error) {
      if (request.tenantId && error instanceof DomainException)
        await this.auditDenial(request, request.tenantId, {
          code: error.code,
          permission: `${permission.action} ${permission.subject}`,
        });
      throw error;
    }
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
    const signIn = signInSatisfies(tenantId, user, access);
    if (signIn !== true) throw new DomainException(ErrorCode.SsoRequired, signIn);
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
  private decide(
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
