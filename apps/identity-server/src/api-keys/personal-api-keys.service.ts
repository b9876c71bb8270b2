import { Injectable, Logger } from '@nestjs/common';
import { DataSource, IsNull } from 'typeorm';
import { isUuid, issueSecret, newId, secretMatches, type CursorKey } from '#database';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../audit/audit.service.js';
import type { RequestMeta } from '../common/principal.js';
import { ActivityWriter } from '../common/activity-writer.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import type { CreatePersonalKeyDto } from './dto/api-key.dto.js';
import { PersonalApiKeyEntity } from './personal-api-key.entity.js';
import { futureExpiry } from '../common/credentials.js';

export const PERSONAL_KEY_KIND = 'pk';

export interface PersonalKeyView {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** Personal API keys: they act as their owner, everywhere the owner may act. */
@Injectable()
export class PersonalApiKeysService {
  private readonly logger = new Logger('PersonalApiKeys');
  private readonly lastUsed = new ActivityWriter(this.logger, 'the last use of a personal key');

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(
    accountId: string,
    dto: CreatePersonalKeyDto,
    meta: RequestMeta,
  ): Promise<PersonalKeyView & { key: string }> {
    const expiresAt = futureExpiry(dto.expiresAt);
    const issued = issueSecret(PERSONAL_KEY_KIND);
    const row: PersonalApiKeyEntity = {
      accountId,
      id: newId(),
      name: dto.name,
      prefix: issued.prefix,
      keyHash: issued.hash,
      createdAt: new Date(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.dataSource.transaction(async (em) => {
      await em.insert(PersonalApiKeyEntity, row);
      await this.audit.record(em, {
        tenantId: PLATFORM_AUDIT_TENANT,
        type: 'apikey.created',
        actor: { type: 'account', id: accountId },
        target: { type: 'account', id: accountId },
        meta,
        changes: {
          after: {
            keyId: row.id,
            name: row.name,
            prefix: `${PERSONAL_KEY_KIND}_${row.prefix}`,
            personal: true,
          },
        },
      });
    });
    return { ...toView(row), key: issued.secret };
  }

  async list(
    accountId: string,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<PersonalKeyView>> {
    const qb = this.dataSource
      .getRepository(PersonalApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.account_id = :accountId AND k.revoked_at IS NULL', { accountId });
    const rows = await keyset(qb, 'k', 'created_at', after, limit).getMany();
    return pageOf(rows, limit, (k) => k.createdAt, toView);
  }

  async revoke(accountId: string, id: string, meta: RequestMeta): Promise<void> {
    if (!isUuid(id)) throw new DomainException(ErrorCode.ApiKeyNotFound);
    await this.dataSource.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(PersonalApiKeyEntity)
        .set({ revokedAt: () => 'now()' })
        .where('account_id = :accountId AND id = :id AND revoked_at IS NULL', { accountId, id })
        .execute();
      if (!result.affected) throw new DomainException(ErrorCode.ApiKeyNotFound);
      await this.audit.record(em, {
        tenantId: PLATFORM_AUDIT_TENANT,
        type: 'apikey.revoked',
        actor: { type: 'account', id: accountId },
        target: { type: 'account', id: accountId },
        meta,
        changes: { before: { keyId: id, personal: true } },
      });
    });
  }

  /** The owner of a live key matching the credential, compared in constant time. */
  async authenticate(
    prefix: string,
    credential: string,
  ): Promise<{ accountId: string; keyId: string } | null> {
    const key = await this.dataSource
      .getRepository(PersonalApiKeyEntity)
      .findOneBy({ prefix, revokedAt: IsNull() });
    const now = Date.now();
    if (!key || !secretMatches(credential, key.keyHash)) return null;
    if (key.expiresAt && key.expiresAt.getTime() <= now) return null;
    this.lastUsed.record(
      key.id,
      (at) =>
        this.dataSource
          .getRepository(PersonalApiKeyEntity)
          .update({ accountId: key.accountId, id: key.id }, { lastUsedAt: at }),
      key.lastUsedAt,
    );
    return { accountId: key.accountId, keyId: key.id };
  }
}

function toView(k: PersonalApiKeyEntity): PersonalKeyView {
  return {
    id: k.id,
    name: k.name,
    prefix: `${PERSONAL_KEY_KIND}_${k.prefix}`,
    createdAt: k.createdAt.toISOString(),
    expiresAt: k.expiresAt?.toISOString() ?? null,
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
  };
}
