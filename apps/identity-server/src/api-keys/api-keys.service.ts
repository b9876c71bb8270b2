import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { canGrantRole } from '#policy';
import type { CursorKey, PresentedSecret } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { actorOf, type Principal, type RequestMeta } from '../common/principal.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { Page } from '../common/pagination.js';
import { InvalidationService } from '../database/invalidation.service.js';
import {
  CredentialStore,
  TENANT_OWNED,
  type CredentialKind,
  type CredentialView,
} from '../credentials/index.js';
import { lockTenant } from '../tenancy/tenant-lock.js';
import { assertRoleExists } from '../roles/index.js';
import { ApiKeyEntity } from './api-key.entity.js';
import type { CreateApiKeyDto } from './dto/api-key.dto.js';

export const TENANT_KEY_KIND = 'tk';

export interface ApiKeyView extends CredentialView {
  role: string;
}

export interface AuthenticatedKey {
  id: string;
  tenantId: string;
  role: string;
  name: string;
}

const TENANT_KEYS: CredentialKind<ApiKeyEntity, ApiKeyView> = {
  kind: TENANT_KEY_KIND,
  entity: ApiKeyEntity,
  owner: TENANT_OWNED,
  notFound: ErrorCode.ApiKeyNotFound,
  label: 'an API key',
  cacheTtlMs: 60_000,
  view: (base, key) => ({ ...base, role: key.role }),
  audit: {
    created: 'apikey.created',
    revoked: 'apikey.revoked',
    subject: (key) => ({ tenantId: key.tenantId, target: { type: 'api_key', id: key.id } }),
    details: (key) => ({ role: key.role }),
  },
};

/** Tenant API keys (`tk_…`): they act in their tenant with the role they were given. */
@Injectable()
export class ApiKeysService {
  private readonly store: CredentialStore<ApiKeyEntity, ApiKeyView>;

  constructor(dataSource: DataSource, audit: AuditService, invalidation: InvalidationService) {
    this.store = new CredentialStore(TENANT_KEYS, dataSource, audit, invalidation);
  }

  /** A key may create keys up to its own role; the role must exist when the key is written. */
  async create(
    tenantId: string,
    dto: CreateApiKeyDto,
    principal: Principal,
    meta: RequestMeta,
  ): Promise<ApiKeyView & { key: string }> {
    const role = dto.role ?? 'viewer';
    if (principal.kind === 'api_key' && !canGrantRole(principal.role, role)) {
      throw new DomainException(
        ErrorCode.RoleEscalation,
        `A ${principal.role} key cannot create a ${role} key`,
      );
    }
    const { view, secret } = await this.store.issue({
      name: dto.name,
      expiresAt: dto.expiresAt,
      actor: actorOf(principal),
      meta,
      complete: (common) => ({
        ...common,
        tenantId,
        role,
        createdByType: principal.kind,
        createdById: principal.id,
      }),
      check: async (em) => {
        await lockTenant(em, tenantId);
        await assertRoleExists(em, tenantId, role);
      },
    });
    return { ...view, key: secret };
  }

  list(tenantId: string, limit: number, after: CursorKey | null): Promise<Page<ApiKeyView>> {
    return this.store.list(tenantId, limit, after);
  }

  /** Revoked at once: every instance forgets the key when the revocation commits. */
  revoke(tenantId: string, id: string, principal: Principal, meta: RequestMeta): Promise<void> {
    return this.store.revoke(tenantId, id, actorOf(principal), meta);
  }

  /** The live key that matches the credential (compared in constant time); null otherwise. */
  async authenticate(
    prefix: string,
    credential: PresentedSecret,
  ): Promise<AuthenticatedKey | null> {
    const checked = await this.store.verify(prefix, credential);
    if (!checked.ok) return null;
    const { id, tenantId, role, name } = checked.row;
    return { id, tenantId, role, name };
  }
}
