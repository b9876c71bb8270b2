import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, EntityTarget } from 'typeorm';
import {
  isUuid,
  issueSecret,
  newId,
  secretMatches,
  type CursorKey,
  type PresentedSecret,
} from '#database';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor, RequestMeta } from '../common/principal.js';
import { ActivityWriter } from '../common/activity-writer.js';
import { DomainException, type ErrorCode } from '../common/errors.js';
import type { InvalidationService } from '../database/invalidation.service.js';
import { keyset, pageOf, type Page } from '../common/pagination.js';
import { fieldErrors } from '../common/problem.filter.js';
import type {
  AccountCredentialEntity,
  IssuedCredential,
  TenantCredentialEntity,
} from './credential.entity.js';
import { PrefixCache } from './prefix-cache.js';

/** Who owns a kind's rows: the column every list and revocation is scoped by, and its value. */
export interface CredentialOwner<Row> {
  column: 'tenant_id' | 'account_id';
  of(row: Row): string;
}

export const TENANT_OWNED: CredentialOwner<TenantCredentialEntity> = {
  column: 'tenant_id',
  of: (row) => row.tenantId,
};

export const ACCOUNT_OWNED: CredentialOwner<AccountCredentialEntity> = {
  column: 'account_id',
  of: (row) => row.accountId,
};

/** What every kind shows of a credential; the secret itself only once, when it is issued. */
export interface CredentialView {
  id: string;
  name: string;
  /** `kind_prefix`, the part of the secret that identifies it and is safe to display. */
  prefix: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
}

/** Everything that differs between tenant API keys, personal keys and SCIM tokens. */
export interface CredentialKind<Row extends IssuedCredential, View extends CredentialView> {
  /** `kind` in `kind_prefix_secret`, e.g. `tk`: what a presented credential says it is. */
  kind: string;
  entity: new () => Row;
  owner: CredentialOwner<Row>;
  /** An unknown id, another owner's and an already revoked one are the same 404. */
  notFound: ErrorCode;
  /** For log lines: "could not record the last use of <label>". */
  label: string;
  /** How long an instance keeps the rows a prefix names; a revocation drops them at once. */
  cacheTtlMs: number;
  /** The kind's own fields in its answers (a key's role). */
  view(base: CredentialView, row: Row): View;
  audit: {
    created: string;
    revoked: string;
    /** The tenant the events are filed under, and what they are about. */
    subject(row: Row): { tenantId: string; target: { type: string; id: string } };
    /** What the events record besides the name and the prefix. */
    details?(row: Row): Record<string, unknown>;
  };
}

/** Why a presented credential is refused; the SCIM guard audits it. */
export type Refusal = 'unknown_token' | 'revoked' | 'expired';

export type Verification<Row> =
  | { ok: true; row: Row }
  /** `named`: the matching row, or else every row the prefix names (whose owners may audit it). */
  | { ok: false; reason: Refusal; named: Row[] };

/**
 * One mechanism for every issued credential: issue (random, shown once, stored as SHA-256), list
 * the live ones, revoke (audited and announced to every instance in the revoking transaction),
 * and verify a presented secret by its prefix in constant time. Verification reads the rows a
 * prefix names from a per-instance cache, so a credential's requests cost no query; a revocation
 * anywhere makes each instance forget them (`credential` invalidation, by id).
 */
export class CredentialStore<Row extends IssuedCredential, View extends CredentialView> {
  private readonly logger = new Logger('Credentials');
  private readonly lastUsed: ActivityWriter;
  private readonly cache: PrefixCache<Row>;
  /** The kind's table, typed by the credential columns that every kind's table has. */
  private readonly table: EntityTarget<IssuedCredential>;

  constructor(
    private readonly kind: CredentialKind<Row, View>,
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly invalidation: InvalidationService,
  ) {
    this.table = kind.entity;
    this.lastUsed = new ActivityWriter(this.logger, `the last use of ${kind.label}`);
    this.cache = new PrefixCache<Row>(kind.cacheTtlMs);
    invalidation.subscribe((event) => {
      if (event.kind === 'all') this.cache.clear();
      else if (event.kind === 'credential') this.cache.forget((row) => row.id === event.id);
    });
  }

  /**
   * Issues a credential named `name` for the row `complete` finishes (its owner and the kind's own
   * columns); `check` runs first inside the transaction (locks, checks that need the database).
   * The secret is in the answer only: it is neither stored nor logged.
   */
  async issue(input: {
    name: string;
    expiresAt: string | undefined;
    actor: Actor;
    meta: RequestMeta;
    complete(common: IssuedCredential): Row;
    check?(em: EntityManager): Promise<unknown>;
  }): Promise<{ view: View; secret: string }> {
    const expiresAt = futureExpiry(input.expiresAt);
    const issued = issueSecret(this.kind.kind);
    const row = input.complete({
      id: newId(),
      name: input.name,
      prefix: issued.prefix,
      keyHash: issued.hash,
      createdAt: new Date(),
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.dataSource.transaction(async (em) => {
      await input.check?.(em);
      await em.insert(this.table, row);
      await this.audit.record(em, {
        ...this.kind.audit.subject(row),
        type: this.kind.audit.created,
        actor: input.actor,
        meta: input.meta,
        changes: {
          after: { ...this.describe(row), expiresAt: expiresAt?.toISOString() ?? null },
        },
      });
    });
    return { view: this.view(row), secret: issued.secret };
  }

  /** The owner's credentials that are not revoked (expired ones too), oldest first. */
  async list(owner: string, limit: number, after: CursorKey | null): Promise<Page<View>> {
    const qb = this.dataSource
      .getRepository(this.kind.entity)
      .createQueryBuilder('c')
      .where(`c.${this.kind.owner.column} = :owner AND c.revoked_at IS NULL`, { owner });
    const rows = await keyset(qb, 'c', 'created_at', after, limit).getMany();
    return pageOf(
      rows,
      limit,
      (row) => row.createdAt,
      (row) => this.view(row),
    );
  }

  /**
   * Revokes the owner's credential `id`. The row is locked first, so of two concurrent
   * revocations one succeeds and the other finds nothing (404), and one event is written.
   */
  async revoke(owner: string, id: string, actor: Actor, meta: RequestMeta): Promise<void> {
    if (!isUuid(id)) throw new DomainException(this.kind.notFound);
    const live = `${this.kind.owner.column} = :owner AND id = :id AND revoked_at IS NULL`;
    await this.dataSource.transaction(async (em) => {
      const row = await em
        .getRepository(this.kind.entity)
        .createQueryBuilder('c')
        .setLock('pessimistic_write')
        .where(`c.${this.kind.owner.column} = :owner AND c.id = :id AND c.revoked_at IS NULL`, {
          owner,
          id,
        })
        .getOne();
      if (!row) throw new DomainException(this.kind.notFound);
      await em
        .createQueryBuilder()
        .update(this.table)
        .set({ revokedAt: () => 'now()' })
        .where(live, { owner, id })
        .execute();
      await this.invalidation.announce(em, { kind: 'credential', id });
      await this.audit.record(em, {
        ...this.kind.audit.subject(row),
        type: this.kind.audit.revoked,
        actor,
        meta,
        changes: { before: this.describe(row) },
      });
    });
  }

  /**
   * Checks `credential` (hashed once), which parsed as this kind with `prefix`: the row whose
   * hash matches it (compared in constant time), if it is neither revoked nor expired. Rows are looked up by
   * prefix alone (a request names no owner before it is authenticated); revoked ones are kept so
   * a refusal can say why.
   */
  async verify(prefix: string, credential: PresentedSecret): Promise<Verification<Row>> {
    const named = await this.cache.rows(prefix, () =>
      this.dataSource
        .getRepository(this.kind.entity)
        .createQueryBuilder('c')
        .where('c.prefix = :prefix', { prefix })
        .getMany(),
    );
    const row = named.find((candidate) => secretMatches(credential, candidate.keyHash));
    if (!row) return { ok: false, reason: 'unknown_token', named };
    if (row.revokedAt) return { ok: false, reason: 'revoked', named: [row] };
    if (row.expiresAt && row.expiresAt.getTime() <= Date.now())
      return { ok: false, reason: 'expired', named: [row] };
    const owner = this.kind.owner.of(row);
    this.lastUsed.record(
      row.id,
      (at) =>
        this.dataSource
          .createQueryBuilder()
          .update(this.table)
          .set({ lastUsedAt: at })
          .where(`${this.kind.owner.column} = :owner AND id = :id`, { owner, id: row.id })
          .execute(),
      row.lastUsedAt,
    );
    return { ok: true, row };
  }

  /** `kind_prefix`: how answers, audit events and logs name a credential. */
  shownPrefix(row: IssuedCredential): string {
    return `${this.kind.kind}_${row.prefix}`;
  }

  private view(row: Row): View {
    return this.kind.view(
      {
        id: row.id,
        name: row.name,
        prefix: this.shownPrefix(row),
        createdAt: row.createdAt.toISOString(),
        expiresAt: row.expiresAt?.toISOString() ?? null,
        lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      },
      row,
    );
  }

  private describe(row: Row): Record<string, unknown> {
    return { ...this.kind.audit.details?.(row), name: row.name, prefix: this.shownPrefix(row) };
  }
}

/** A requested expiry for a new credential: absent, or a time still to come. */
function futureExpiry(expiresAt: string | undefined): Date | null {
  const at = expiresAt ? new Date(expiresAt) : null;
  if (at && at.getTime() <= Date.now())
    throw fieldErrors([{ field: 'expiresAt', message: 'expiresAt must be in the future' }]);
  return at;
}
