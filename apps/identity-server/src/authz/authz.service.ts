import { Injectable } from '@nestjs/common';
import { subject as asSubject } from '@casl/ability';
import { DataSource } from 'typeorm';
import { abilityForRole, isBuiltInRole } from '#policy';
import { AccessRulesService } from '../access-rules/access-rules.service.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { fieldErrors } from '../common/problem.filter.js';
import { MembershipEntity } from '../members/membership.entity.js';
import type { AuthorizeDto } from './dto/authorize.dto.js';

export interface AuthorizeResult {
  allowed: boolean;
  reason: {
    code: string;
    role?: string;
    rule?: { action: unknown; subject: unknown; conditions?: unknown; inverted?: boolean };
    accessRule?: { id: string; name: string };
  };
}

/**
 * Policy decisions for other services: may this member do this to that, from there, then? The
 * same role rules (CASL, with conditions on the subject's attributes) and access rules as the
 * server applies to itself.
 */
@Injectable()
export class AuthzService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly accessRules: AccessRulesService,
  ) {}

  async authorize(tenantId: string, check: AuthorizeDto, field = ''): Promise<AuthorizeResult> {
    const type = check.subject.type;
    if (typeof type !== 'string' || type.length === 0 || type.length > 64) {
      throw fieldErrors([
        {
          field: `${field}subject.type`,
          message: 'subject.type must be a name of 1 to 64 characters',
        },
      ]);
    }
    const member = await this.dataSource
      .getRepository(MembershipEntity)
      .findOneBy({ tenantId, id: check.memberId });
    if (!member)
      throw new DomainException(
        ErrorCode.MemberNotFound,
        `No member ${check.memberId} in this tenant`,
      );
    if (member.status !== 'active')
      return { allowed: false, reason: { code: 'member_not_active', role: member.role } };

    const context = {
      ip: check.context?.ip ?? null,
      time: check.context?.time ? new Date(check.context.time) : new Date(),
    };
    const access = await this.accessRules.check(
      tenantId,
      { role: member.role, memberId: member.id, teamIds: [] },
      context,
    );
    if (!access.allowed) {
      return {
        allowed: false,
        reason: {
          code: access.code,
          role: member.role,
          ...(access.rule ? { accessRule: access.rule } : {}),
        },
      };
    }
    if (!isBuiltInRole(member.role))
      return { allowed: false, reason: { code: 'no_matching_rule', role: member.role } };
    const { type: _type, ...attributes } = check.subject;
    const target = asSubject(type, { ...attributes });
    const ability = abilityForRole(member.role);
    const rule = ability.relevantRuleFor(check.action, target);
    const allowed = ability.can(check.action, target);
    return {
      allowed,
      reason: {
        code: allowed ? 'allowed_by_role' : rule?.inverted ? 'denied_by_rule' : 'no_matching_rule',
        role: member.role,
        ...(rule
          ? {
              rule: {
                action: rule.action,
                subject: rule.subject,
                ...(rule.conditions ? { conditions: rule.conditions } : {}),
                ...(rule.inverted ? { inverted: true } : {}),
              },
            }
          : {}),
        ...(access.rule ? { accessRule: access.rule } : {}),
      },
    };
  }

  async batch(tenantId: string, checks: AuthorizeDto[]): Promise<{ results: AuthorizeResult[] }> {
    const results: AuthorizeResult[] = [];
    for (const [i, check] of checks.entries())
      results.push(await this.authorize(tenantId, check, `checks.${i}.`));
    return { results };
  }
}
