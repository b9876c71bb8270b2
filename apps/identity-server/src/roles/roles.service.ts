import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  BUILT_IN_ROLE_KEYS,
  BUILT_IN_ROLES,
  isBuiltInRole,
  normalizeRule,
  validatePermissionRules,
  type PermissionRule,
} from '#policy';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { PolicyService } from '../policy/policy.service.js';
import { conflictOf } from '../common/db-errors.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { fieldErrors } from '../common/problem.filter.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import type { CreateRoleDto, UpdateRoleDto } from './dto/role.dto.js';
import { ROLE_KEY } from './dto/role.dto.js';
import { RoleEntity } from './role.entity.js';

export interface RoleView {
  key: string;
  name: string;
  description: string;
  builtIn: boolean;
  permissions: PermissionRule[];
  createdAt: string | null;
  updatedAt: string | null;
}

/** A tenant has at most this many roles of its own. */
export const MAX_CUSTOM_ROLES = 100;

/**
 * The built-in roles and a tenant's own. Changing or deleting a role changes decisions at once on
 * every instance; a role still held by a member, a pending invitation or a live API key cannot be
 * deleted. Role writes hold the tenant lock, like every write that assigns a role, so a role
 * cannot disappear between the check and the assignment.
 */
@Injectable()
export class RolesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
  ) {}

  async list(tenantId: string): Promise<{ data: RoleView[]; nextCursor: null }> {
    const custom = await this.dataSource
      .getRepository(RoleEntity)
      .find({ where: { tenantId }, order: { createdAt: 'ASC', key: 'ASC' } });
    return {
      data: [...BUILT_IN_ROLE_KEYS.map(builtInView), ...custom.map(toView)],
      nextCursor: null,
    };
  }

  async get(tenantId: string, key: string): Promise<RoleView> {
    if (isBuiltInRole(key)) return builtInView(key);
    return toView(await this.find(this.dataSource.manager, tenantId, key));
  }

  async create(
    tenantId: string,
    dto: CreateRoleDto,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<RoleView> {
    if (isBuiltInRole(dto.key))
      throw new DomainException(ErrorCode.RoleExists, `"${dto.key}" is a built-in role`);
    const permissions = checkedRules(dto.permissions);
    const now = new Date();
    const role: RoleEntity = {
      tenantId,
      key: dto.key,
      name: dto.name,
      description: dto.description ?? '',
      permissions,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.dataSource.transaction(async (em) => {
        await lockTenant(em, tenantId);
        const count = await em.getRepository(RoleEntity).countBy({ tenantId });
        if (count >= MAX_CUSTOM_ROLES)
          throw fieldErrors([
            { field: 'key', message: `a tenant has at most ${MAX_CUSTOM_ROLES} custom roles` },
          ]);
        // TypeORM's partial-entity type cannot see through the jsonb rules (Record<string, unknown>).
        await em.getRepository(RoleEntity).insert(role as never);
        await this.audit.record(em, {
          tenantId,
          type: 'role.created',
          actor: actorOf(actor),
          target: { type: 'role', id: role.key },
          meta,
          changes: { after: { name: role.name, permissions } },
        });
      });
    } catch (error) {
      throw conflictOf(error, `A role "${dto.key}" exists`) ?? error;
    }
    return toView(role);
  }

  async update(
    tenantId: string,
    key: string,
    dto: UpdateRoleDto,
    actor: Principal,
    meta: RequestMeta,
  ): Promise<RoleView> {
    if (isBuiltInRole(key)) throw new DomainException(ErrorCode.RoleBuiltIn);
    const permissions = dto.permissions === undefined ? undefined : checkedRules(dto.permissions);
    return this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const before = await this.find(em, tenantId, key);
      const after: RoleEntity = {
        ...before,
        name: dto.name ?? before.name,
        description: dto.description ?? before.description,
        permissions: permissions ?? before.permissions,
        updatedAt: new Date(),
      };
      await em.update(
        RoleEntity,
        { tenantId, key },
        {
          name: after.name,
          description: after.description,
          permissions: after.permissions as never,
          updatedAt: after.updatedAt,
        },
      );
      await this.audit.record(em, {
        tenantId,
        type: 'role.updated',
        actor: actorOf(actor),
        target: { type: 'role', id: key },
        meta,
        changes: {
          before: {
            name: before.name,
            description: before.description,
            permissions: before.permissions,
          },
          after: {
            name: after.name,
            description: after.description,
            permissions: after.permissions,
          },
        },
      });
      await this.policies.changed(em, tenantId);
      return toView(after);
    });
  }

  async remove(tenantId: string, key: string, actor: Principal, meta: RequestMeta): Promise<void> {
    if (isBuiltInRole(key)) throw new DomainException(ErrorCode.RoleBuiltIn);
    await this.dataSource.transaction(async (em) => {
      await lockTenant(em, tenantId);
      const role = await this.find(em, tenantId, key);
      const [use]: { members: number; invitations: number; keys: number }[] = await em.query(
        `SELECT (SELECT count(*)::int FROM memberships WHERE tenant_id = $1 AND role = $2 AND status <> 'removed') AS members,
                (SELECT count(*)::int FROM invitations WHERE tenant_id = $1 AND role = $2 AND status = 'pending' AND expires_at > now()) AS invitations,
                (SELECT count(*)::int FROM api_keys WHERE tenant_id = $1 AND role = $2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())) AS keys`,
        [tenantId, key],
      );
      const holders = [
        use?.members ? `${use.members} member(s)` : null,
        use?.invitations ? `${use.invitations} pending invitation(s)` : null,
        use?.keys ? `${use.keys} API key(s)` : null,
      ].filter(Boolean);
      if (holders.length > 0)
        throw new DomainException(
          ErrorCode.RoleInUse,
          `The role "${key}" is held by ${holders.join(', ')}: give them another role first`,
        );
      await em.delete(RoleEntity, { tenantId, key });
      await this.audit.record(em, {
        tenantId,
        type: 'role.deleted',
        actor: actorOf(actor),
        target: { type: 'role', id: key },
        meta,
        changes: { before: { name: role.name, permissions: role.permissions } },
      });
      await this.policies.changed(em, tenantId);
    });
  }

  private async find(em: EntityManager, tenantId: string, key: string): Promise<RoleEntity> {
    if (!ROLE_KEY.test(key)) throw new DomainException(ErrorCode.RoleNotFound);
    const role = await em.getRepository(RoleEntity).findOneBy({ tenantId, key });
    if (!role) throw new DomainException(ErrorCode.RoleNotFound, `No role "${key}" in this tenant`);
    return role;
  }
}

/**
 * For writes that give someone a role (members, invitations, keys), inside their transaction
 * and after the tenant lock: the role must be built in or one of the tenant's own.
 */
export async function assertRoleExists(
  em: EntityManager,
  tenantId: string,
  role: string,
  field = 'role',
): Promise<void> {
  if (isBuiltInRole(role)) return;
  if (await em.getRepository(RoleEntity).existsBy({ tenantId, key: role })) return;
  throw fieldErrors([
    {
      field,
      message: `no role "${role}" in this organization (built-in: ${BUILT_IN_ROLE_KEYS.join(', ')})`,
    },
  ]);
}

function checkedRules(rules: unknown): PermissionRule[] {
  const problems = validatePermissionRules(rules);
  if (problems.length > 0) throw fieldErrors(problems);
  return (rules as PermissionRule[]).map(normalizeRule);
}

function builtInView(key: (typeof BUILT_IN_ROLE_KEYS)[number]): RoleView {
  const role = BUILT_IN_ROLES[key];
  return {
    key,
    name: role.name,
    description: role.description,
    builtIn: true,
    permissions: role.rules,
    createdAt: null,
    updatedAt: null,
  };
}

function toView(role: RoleEntity): RoleView {
  return {
    key: role.key,
    name: role.name,
    description: role.description,
    builtIn: false,
    permissions: role.permissions,
    createdAt: role.createdAt.toISOString(),
    updatedAt: role.updatedAt.toISOString(),
  };
}
