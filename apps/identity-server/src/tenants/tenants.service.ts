import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { newId, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { conflictOf, uniqueViolation } from '../common/db-errors.js';
import { diff } from '../common/diff.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { fieldErrors } from '../common/problem.filter.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import type { CreateTenantDto, UpdateTenantDto } from './dto/tenant.dto.js';
import { DEFAULT_SETTINGS, mergeSettings, type TenantSettings } from '../tenancy/settings.js';
import { signInSatisfies } from '../tenancy/sign-in-policy.js';
import { TenantEntity } from '../tenancy/tenant.entity.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import { MembershipsService } from '../members/index.js';
import { InvalidationService } from '../database/invalidation.service.js';

export interface TenantView {
  id: string;
  name: string;
  slug: string;
  settings: TenantSettings;
  createdAt: string;
  updatedAt: string;
}

export interface TenantLimits {
  maxMembers: number;
  members: number;
  pendingInvitations: number;
  seatsLeft: number;
}

@Injectable()
export class TenantsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly memberships: MembershipsService,
    private readonly invalidation: InvalidationService,
  ) {}

  async exists(id: string): Promise<boolean> {
    return this.dataSource.getRepository(TenantEntity).existsBy({ id });
  }

  /**
   * Creates a tenant and its audit event in one transaction; `also` adds what must be created
   * with it (the founding Administrator of an organization).
   */
  async create(
    dto: CreateTenantDto,
    principal: Principal,
    meta: RequestMeta,
    also?: (em: EntityManager, tenant: TenantEntity) => Promise<void>,
  ): Promise<TenantView> {
    const settings = mergeSettings(DEFAULT_SETTINGS, dto.settings);
    checkSettings(settings);
    // A derived slug that is taken gets a short random suffix; an explicit one is a conflict.
    for (let attempt = 0; ; attempt++) {
      const slug = dto.slug ?? deriveSlug(dto.name, attempt > 0);
      const now = new Date();
      const tenant: TenantEntity = {
        id: newId(),
        name: dto.name,
        slug,
        settings,
        createdAt: now,
        updatedAt: now,
      };
      try {
        await this.dataSource.transaction(async (em) => {
          await em.insert(TenantEntity, tenant);
          await this.audit.record(em, {
            tenantId: tenant.id,
            type: 'tenant.created',
            actor: actorOf(principal),
            target: { type: 'tenant', id: tenant.id },
            meta,
            changes: { after: { name: tenant.name, slug, settings } },
          });
          await also?.(em, tenant);
        });
        return toView(tenant);
      } catch (error) {
        const constraint = uniqueViolation(error);
        if (constraint === 'tenants_slug_key' && !dto.slug && attempt < 5) continue;
        throw conflictOf(error) ?? error;
      }
    }
  }

  async get(id: string): Promise<TenantView> {
    const tenant = await this.dataSource.getRepository(TenantEntity).findOneBy({ id });
    if (!tenant) throw new DomainException(ErrorCode.TenantNotFound);
    return toView(tenant);
  }

  /** Operator: every tenant. A tenant API key: its own tenant. */
  async list(
    principal: Principal,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<TenantView>> {
    const qb = this.dataSource.getRepository(TenantEntity).createQueryBuilder('t');
    if (principal.kind === 'user') {
      qb.where(
        `EXISTS (SELECT 1 FROM memberships m WHERE m.tenant_id = t.id AND m.account_id = :accountId AND m.status = 'active')`,
        { accountId: principal.id },
      );
    }
    if (principal.kind === 'api_key') qb.where('t.id = :id', { id: principal.tenantId });
    const rows = await keyset(qb, 't', 'created_at', after, limit).getMany();
    return pageOf(rows, limit, (t) => t.createdAt, toView);
  }

  async update(
    id: string,
    dto: UpdateTenantDto,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<TenantView> {
    try {
      return await this.dataSource.transaction(async (em) => {
        const current = await lockTenant(em, id);
        const next: TenantEntity = {
          ...current,
          name: dto.name ?? current.name,
          slug: dto.slug ?? current.slug,
          settings: mergeSettings(current.settings, dto.settings),
        };
        checkSettings(next.settings);
        if (principal.kind === 'user' && dto.confirm !== true) {
          const before = signInSatisfies(
            id,
            principal,
            mergeSettings(DEFAULT_SETTINGS, current.settings),
          );
          const after = signInSatisfies(id, principal, next.settings);
          if (before === true && after !== true) {
            throw new DomainException(
              ErrorCode.SignInPolicyLockout,
              'With this sign-in policy your own session would be refused here (sso_required): sign in the way it allows first, or send confirm: true to save it anyway',
            );
          }
        }
        const changes = diff(
          { name: current.name, slug: current.slug, settings: current.settings },
          { name: next.name, slug: next.slug, settings: next.settings },
        );
        if (Object.keys(changes.after).length === 0) return toView(current);
        next.updatedAt = new Date();
        await em.update(
          TenantEntity,
          { id },
          { name: next.name, slug: next.slug, settings: next.settings, updatedAt: next.updatedAt },
        );
        await this.audit.record(em, {
          tenantId: id,
          type: 'tenant.updated',
          actor: actorOf(principal),
          target: { type: 'tenant', id },
          meta,
          changes,
        });
        // Caches of a tenant's settings (decision logs read theirs per decision) drop it on commit.
        await this.invalidation.announce(em, { kind: 'tenant_settings', id });
        return toView(next);
      });
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
  }

  async limits(id: string): Promise<TenantLimits> {
    const tenant = await this.get(id);
    const { members, pendingInvitations } = await this.memberships.seats(id);
    const maxMembers = tenant.settings.maxMembers;
    return {
      maxMembers,
      members,
      pendingInvitations,
      seatsLeft: Math.max(0, maxMembers - members - pendingInvitations),
    };
  }
}

function checkSettings(settings: TenantSettings): void {
  const providers = settings.allowedIdentityProviders;
  if (providers.includes('any') && providers.length > 1) {
    throw fieldErrors([
      {
        field: 'settings.allowedIdentityProviders',
        message: '"any" already allows every provider; list it alone',
      },
    ]);
  }
}

export function deriveSlug(name: string, withSuffix: boolean): string {
  let slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 56)
    .replace(/-+$/g, '');
  if (slug.length < 2) slug = 'org';
  return withSuffix ? `${slug}-${randomBytes(3).toString('hex')}` : slug;
}

function toView(t: TenantEntity): TenantView {
  return {
    id: t.id,
    name: t.name,
    slug: t.slug,
    // Over the defaults: stable key order, and settings added later read as their default.
    settings: mergeSettings(DEFAULT_SETTINGS, t.settings),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
