import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CursorKey, PresentedSecret } from '#database';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../audit/audit.service.js';
import type { RequestMeta } from '../common/principal.js';
import { ErrorCode } from '../common/errors.js';
import { InvalidationService } from '../database/invalidation.service.js';
import type { Page } from '../common/pagination.js';
import {
  ACCOUNT_OWNED,
  CredentialStore,
  type CredentialKind,
  type CredentialView,
} from '../credentials/index.js';
import type { CreatePersonalKeyDto } from './dto/api-key.dto.js';
import { PersonalApiKeyEntity } from './personal-api-key.entity.js';

export const PERSONAL_KEY_KIND = 'pk';

export type PersonalKeyView = CredentialView;

const PERSONAL_KEYS: CredentialKind<PersonalApiKeyEntity, PersonalKeyView> = {
  kind: PERSONAL_KEY_KIND,
  entity: PersonalApiKeyEntity,
  owner: ACCOUNT_OWNED,
  notFound: ErrorCode.ApiKeyNotFound,
  label: 'a personal key',
  cacheTtlMs: 60_000,
  view: (base) => base,
  audit: {
    created: 'apikey.created',
    revoked: 'apikey.revoked',
    // About the account, not a tenant: filed with the other account events.
    subject: (key) => ({
      tenantId: PLATFORM_AUDIT_TENANT,
      target: { type: 'account', id: key.accountId },
    }),
    details: (key) => ({ keyId: key.id, personal: true }),
  },
};

/** Personal API keys (`pk_…`): they act as their owner, everywhere the owner may act. */
@Injectable()
export class PersonalApiKeysService {
  private readonly store: CredentialStore<PersonalApiKeyEntity, PersonalKeyView>;

  constructor(dataSource: DataSource, audit: AuditService, invalidation: InvalidationService) {
    this.store = new CredentialStore(PERSONAL_KEYS, dataSource, audit, invalidation);
  }

  async create(
    accountId: string,
    dto: CreatePersonalKeyDto,
    meta: RequestMeta,
  ): Promise<PersonalKeyView & { key: string }> {
    const { view, secret } = await this.store.issue({
      name: dto.name,
      expiresAt: dto.expiresAt,
      actor: { type: 'account', id: accountId },
      meta,
      complete: (common) => ({ ...common, accountId }),
    });
    return { ...view, key: secret };
  }

  list(accountId: string, limit: number, after: CursorKey | null): Promise<Page<PersonalKeyView>> {
    return this.store.list(accountId, limit, after);
  }

  /** Revoked at once: every instance forgets the key when the revocation commits. */
  revoke(accountId: string, id: string, meta: RequestMeta): Promise<void> {
    return this.store.revoke(accountId, id, { type: 'account', id: accountId }, meta);
  }

  /** The owner of a live key matching the credential (compared in constant time); null otherwise. */
  async authenticate(
    prefix: string,
    credential: PresentedSecret,
  ): Promise<{ accountId: string; keyId: string } | null> {
    const checked = await this.store.verify(prefix, credential);
    return checked.ok ? { accountId: checked.row.accountId, keyId: checked.row.id } : null;
  }
}
