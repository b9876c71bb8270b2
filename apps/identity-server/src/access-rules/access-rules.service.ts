import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  compileAccessRules,
  evaluateAccessRules,
  validateAccessRule,
  type CompiledAccessRules,
  type AccessContext,
  type AccessDecision,
  type AccessRule,
  type AccessSubject,
} from '#policy';
import { isUuid, newId, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf } from '../common/principal.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { InvalidationService } from '../database/invalidation.service.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { fieldErrors } from '../common/problem.filter.js';
import type { TenantContext } from '../common/request-context.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import { AccessRuleEntity } from './access-rule.entity.js';
import { accessAt } from './access-subject.js';
import type { AccessRuleDto } from './dto/access-rule.dto.js';

export interface AccessRuleView extends AccessRule {
  createdAt: string;
  updatedAt: string;
}

/**
 * Who changes the rules: their policy and address are what the rules see, and the change may not
 * lock them out unconfirmed.
 */
type RuleEditor = Pick<TenantContext, 'tenantId' | 'principal' | 'policy' | 'meta'>;

const CACHE_TTL_MS = 60_000;

/**
 * IP and time access rules per tenant. Every instance caches a tenant's rules and drops them
 * when a change is announced (LISTEN/NOTIFY), so a new rule holds on the next request everywhere.
 */
@Injectable()
export class AccessRulesService {
  private readonly cache = new Map<string, { rules: CompiledAccessRules; at: number }>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: InvalidationService,
  ) {
    invalidation.subscribe((event) => {
      if (event.kind === 'all') this.cache.clear();
      else if (event.kind === 'access_rules') this.cache.delete(event.id);
    });
  }

  /** The decision for one request into a tenant. */
  async check(
    tenantId: string,
    subject: AccessSubject,
    context: AccessContext,
  ): Promise<AccessDecision> {
    return evaluateAccessRules(await this.compiled(tenantId), subject, context);
  }

  async list(
    tenantId: string,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<AccessRuleView>> {
    const qb = this.dataSource
      .getRepository(AccessRuleEntity)
      .createQueryBuilder('r')
      .where('r.tenant_id = :tenantId', { tenantId });
    const rows = await keyset(qb, 'r', 'created_at', after, limit).getMany();
    return pageOf(rows, limit, (r) => r.createdAt, toView);
  }

  async get(tenantId: string, id: string): Promise<AccessRuleView> {
    return toView(await this.find(this.dataSource.manager, tenantId, id));
  }

  async create(editor: RuleEditor, dto: AccessRuleDto): Promise<AccessRuleView> {
    const { tenantId } = editor;
    const rule = ruleOf(newId(), dto);
    return this.change(editor, dto.confirm === true, async (em, current) => {
      const now = new Date();
      await em.insert(AccessRuleEntity, entityOf(tenantId, rule, now, now));
      return {
        next: [...current, rule],
        event: 'access_rule.created',
        id: rule.id,
        changes: { after: { ...rule } },
        view: { ...rule, createdAt: now.toISOString(), updatedAt: now.toISOString() },
      };
    });
  }

  async replace(editor: RuleEditor, id: string, dto: AccessRuleDto): Promise<AccessRuleView> {
    const { tenantId } = editor;
    const rule = ruleOf(id, dto);
    return this.change(editor, dto.confirm === true, async (em, current) => {
      const before = await this.find(em, tenantId, id);
      const now = new Date();
      await em.update(
        AccessRuleEntity,
        { tenantId, id },
        {
          name: rule.name,
          effect: rule.effect,
          ip: rule.ip ?? null,
          time: rule.time ?? null,
          appliesTo: rule.appliesTo,
          updatedAt: now,
        },
      );
      return {
        next: current.map((r) => (r.id === id ? rule : r)),
        event: 'access_rule.updated',
        id,
        changes: { before: { ...ruleFromEntity(before) }, after: { ...rule } },
        view: { ...rule, createdAt: before.createdAt.toISOString(), updatedAt: now.toISOString() },
      };
    });
  }

  async remove(editor: RuleEditor, id: string, confirm: boolean): Promise<void> {
    const { tenantId } = editor;
    await this.change(editor, confirm, async (em, current) => {
      const before = await this.find(em, tenantId, id);
      await em.delete(AccessRuleEntity, { tenantId, id });
      return {
        next: current.filter((r) => r.id !== id),
        event: 'access_rule.deleted',
        id,
        changes: { before: { ...ruleFromEntity(before) } },
        view: toView(before),
      };
    });
  }

  /**
   * Applies a change under the tenant's lock, refuses one that would lock its author out (unless
   * confirmed), audits it, and announces it to every instance.
   */
  private async change(
    editor: RuleEditor,
    confirmed: boolean,
    apply: (
      em: EntityManager,
      current: AccessRule[],
    ) => Promise<{
      next: AccessRule[];
      event: string;
      id: string;
      changes: { before?: Record<string, unknown>; after?: Record<string, unknown> };
      view: AccessRuleView;
    }>,
  ): Promise<AccessRuleView> {
    const { tenantId, meta } = editor;
    const { subject, context } = accessAt(editor.policy, editor.meta.ip);
    const view = await this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const current = (await em.getRepository(AccessRuleEntity).findBy({ tenantId })).map(
        ruleFromEntity,
      );
      const result = await apply(em, current);
      if (subject && !confirmed) {
        const decision = evaluateAccessRules(result.next, subject, context);
        if (!decision.allowed) {
          throw new DomainException(
            ErrorCode.AccessRuleLockout,
            'With this change the rules would refuse your own requests from here: send confirm: true to save it anyway',
          );
        }
      }
      await this.audit.record(em, {
        tenantId,
        type: result.event,
        actor: actorOf(editor.principal),
        target: { type: 'access_rule', id: result.id },
        meta,
        changes: result.changes,
      });
      await this.invalidation.announce(em, { kind: 'access_rules', id: tenantId });
      return result.view;
    });
    return view;
  }

  /** The tenant's rules, prepared for evaluation and cached until a change is announced. */
  async compiled(tenantId: string): Promise<CompiledAccessRules> {
    const cached = this.cache.get(tenantId);
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) return cached.rules;
    const rules = compileAccessRules(
      (await this.dataSource.getRepository(AccessRuleEntity).findBy({ tenantId })).map(
        ruleFromEntity,
      ),
    );
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(tenantId, { rules, at: Date.now() });
    return rules;
  }

  private async find(em: EntityManager, tenantId: string, id: string): Promise<AccessRuleEntity> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.AccessRuleNotFound);
    const rule = await em.getRepository(AccessRuleEntity).findOneBy({ tenantId, id });
    if (!rule) throw new DomainException(ErrorCode.AccessRuleNotFound);
    return rule;
  }
}

/** The DTO as a rule, refused with field errors when it could not be evaluated as written. */
function ruleOf(id: string, dto: AccessRuleDto): AccessRule {
  const rule: AccessRule = {
    id,
    name: dto.name,
    effect: dto.effect,
    ...(dto.ip ? { ip: { cidrs: dto.ip.cidrs.map((c) => c.trim()) } } : {}),
    ...(dto.time
      ? {
          time: {
            timezone: dto.time.timezone,
            days: dto.time.days,
            start: dto.time.start,
            end: dto.time.end,
          },
        }
      : {}),
    appliesTo: {
      ...(dto.appliesTo?.roles ? { roles: dto.appliesTo.roles } : {}),
      ...(dto.appliesTo?.teamIds ? { teamIds: dto.appliesTo.teamIds } : {}),
      ...(dto.appliesTo?.memberIds ? { memberIds: dto.appliesTo.memberIds } : {}),
      ...(dto.appliesTo?.apiKeyIds ? { apiKeyIds: dto.appliesTo.apiKeyIds } : {}),
    },
  };
  const problems = validateAccessRule(rule, { confirmBroadAllow: dto.confirm === true });
  if (problems.length > 0) throw fieldErrors(problems);
  return rule;
}

function ruleFromEntity(e: AccessRuleEntity): AccessRule {
  return {
    id: e.id,
    name: e.name,
    effect: e.effect,
    ...(e.ip ? { ip: e.ip } : {}),
    ...(e.time ? { time: e.time } : {}),
    appliesTo: e.appliesTo,
  };
}

function entityOf(
  tenantId: string,
  rule: AccessRule,
  createdAt: Date,
  updatedAt: Date,
): AccessRuleEntity {
  return Object.assign(new AccessRuleEntity(), {
    tenantId,
    id: rule.id,
    name: rule.name,
    effect: rule.effect,
    ip: rule.ip ?? null,
    time: rule.time ?? null,
    appliesTo: rule.appliesTo,
    createdAt,
    updatedAt,
  });
}

function toView(e: AccessRuleEntity): AccessRuleView {
  return {
    ...ruleFromEntity(e),
    createdAt: e.createdAt.toISOString(),
    updatedAt: e.updatedAt.toISOString(),
  };
}
