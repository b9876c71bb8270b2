import { Injectable } from '@nestjs/common';
import { decide, type PolicyDecision, type PolicySubject } from '#policy';
import { AccessRulesService } from '../access-rules/index.js';
import { DecisionLogService } from '../decision-logs/index.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { fieldErrors } from '../common/problem.filter.js';
import { PolicyService, type MemberPolicy } from '../policy/policy.service.js';
import type { AuthorizeDto } from './dto/authorize.dto.js';
import { isMembershipStatus, MEMBERSHIP_STATUS } from '../members/index.js';

/**
 * A member's decision: one whose membership grants no access (suspended, removed) is refused
 * before the policy is asked, with `member_not_active`. `/authorize` and AuthZEN both decide here.
 */
export function decideForMember(
  member: MemberPolicy,
  action: string,
  subject: PolicySubject,
  options: Parameters<typeof decide>[3],
): AuthorizeResult {
  if (!isMembershipStatus(member.status) || !MEMBERSHIP_STATUS[member.status].hasAccess)
    return {
      allowed: false,
      reason: { code: 'member_not_active', role: member.policy.snapshot.role },
    };
  return decide(member.policy, action, subject, options);
}

export type AuthorizeResult =
  PolicyDecision | { allowed: false; reason: { code: 'member_not_active'; role: string } };

/**
 * Policy decisions for other services: may this member do this to that, from there, then? The
 * same policy (role or custom role, team grants, CASL conditions on the subject's attributes) and
 * access rules as the server applies to itself, from the same per-instance cache.
 */
@Injectable()
export class AuthzService {
  constructor(
    private readonly policies: PolicyService,
    private readonly accessRules: AccessRulesService,
    private readonly decisionLogs: DecisionLogService,
  ) {}

  /**
   * The decision, logged when the tenant keeps decision logs (`requestId`: the caller's
   * X-Request-ID, or the id this server gave the request). Refused input is not a decision and
   * is not logged.
   */
  async authorize(
    tenantId: string,
    check: AuthorizeDto,
    requestId: string | null = null,
    endpoint = 'authorize',
    field = '',
  ): Promise<AuthorizeResult> {
    const result = await this.decide(tenantId, check, field);
    this.decisionLogs.record(tenantId, {
      requestId,
      endpoint,
      decision: result.allowed,
      subject: { type: 'member', id: check.memberId },
      action: { name: check.action, ...(check.field ? { field: check.field } : {}) },
      resource: check.subject,
      context: check.context ?? null,
      reason: result.reason,
    });
    return result;
  }

  private async decide(
    tenantId: string,
    check: AuthorizeDto,
    field: string,
  ): Promise<AuthorizeResult> {
    // The subject is decided on as sent (not copied: an object rest costs more than the decision).
    const subject = check.subject;
    const type = subject.type;
    if (typeof type !== 'string' || type.length === 0 || type.length > 64) {
      throw fieldErrors([
        {
          field: `${field}subject.type`,
          message: 'subject.type must be a name of 1 to 64 characters',
        },
      ]);
    }
    const member = await this.policies.forMember(tenantId, check.memberId);
    if (!member)
      throw new DomainException(
        ErrorCode.MemberNotFound,
        `No member ${check.memberId} in this tenant`,
      );
    return decideForMember(member, check.action, subject as PolicySubject, {
      ...(check.field ? { field: check.field } : {}),
      accessRules: await this.accessRules.compiled(tenantId),
      context: {
        ip: check.context?.ip ?? null,
        time: check.context?.time ? new Date(check.context.time) : new Date(),
      },
    });
  }

  async batch(
    tenantId: string,
    checks: AuthorizeDto[],
    requestId: string | null = null,
  ): Promise<{ results: AuthorizeResult[] }> {
    const results: AuthorizeResult[] = [];
    for (const [i, check] of checks.entries())
      results.push(
        await this.authorize(tenantId, check, requestId, 'authorize.batch', `checks.${i}.`),
      );
    return { results };
  }
}
