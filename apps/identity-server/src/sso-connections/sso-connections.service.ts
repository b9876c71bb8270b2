import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SecretBox } from '#auth-crypto';
import { newId, type CursorKey } from '#database';
import { AuditService } from '../audit/audit.service.js';
import { diff } from '../common/diff.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { pageOf, type Page } from '../common/pagination.js';
import { actorOf } from '../common/principal.js';
import type { TenantContext } from '../common/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import type { CreateSsoConnectionDto, UpdateSsoConnectionDto } from './dto/sso-connection.dto.js';
import { assertIssuerAllowed, checkDiscovery } from './oidc-discovery.js';
import { SsoConnectionEntity } from './sso-connection.entity.js';
import {
  SsoConnectionsRepository,
  type SsoConnectionChanges,
} from './sso-connections.repository.js';

/** The fetch for tenants' issuers (SSRF-safe, see common/outbound-fetch.ts): `typeof fetch`. */
export const OUTBOUND_FETCH = Symbol('OUTBOUND_FETCH');

/** What the sign-in flow needs of a connection: the client secret opened. */
export interface SsoConnectionForSignIn {
  tenantId: string;
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  allowedDomains: string[];
  updatedAt: Date;
}

/** What the admin API answers: never the secret. */
export interface SsoConnectionView {
  id: string;
  name: string;
  issuer: string;
  clientId: string;
  clientSecretSet: true;
  allowedDomains: string[];
  enabled: boolean;
  redirectUri: string;
  createdAt: string;
  updatedAt: string;
}

type Admin = Pick<TenantContext, 'tenantId' | 'principal' | 'meta'>;

/** The secret is bound to its tenant and connection: a sealed value moved to another row fails. */
function secretAad(tenantId: string, id: string): string {
  return `sso_connection:${tenantId}:${id}`;
}

/** What an audit event shows of a connection (never the secret). */
function audited(c: SsoConnectionEntity): Record<string, unknown> {
  return {
    name: c.name,
    issuer: c.issuer,
    clientId: c.clientId,
    allowedDomains: c.allowedDomains,
    enabled: c.enabled,
  };
}

function uniqueDomains(domains: string[] | undefined): string[] | undefined {
  return domains === undefined ? undefined : [...new Set(domains)];
}

/**
 * Tenants' OpenID Connect connections: created, changed and deleted by administrators, the
 * issuer checked by fetching its discovery document (outside any transaction) before anything is
 * written; read by the sign-in flow through forSignIn and listEnabled.
 */
@Injectable()
export class SsoConnectionsService {
  private readonly logger = new Logger('SsoConnections');

  constructor(
    private readonly dataSource: DataSource,
    private readonly connections: SsoConnectionsRepository,
    private readonly audit: AuditService,
    private readonly secrets: SecretBox,
    @Inject(OUTBOUND_FETCH) private readonly fetcher: typeof fetch,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(admin: Admin, dto: CreateSsoConnectionDto): Promise<SsoConnectionView> {
    const { tenantId } = admin;
    await this.assertIssuer(dto.issuer);
    const now = new Date();
    const id = newId();
    const connection: SsoConnectionEntity = {
      tenantId,
      id,
      name: dto.name,
      issuer: dto.issuer,
      clientId: dto.clientId,
      clientSecret: this.secrets.seal(dto.clientSecret, secretAad(tenantId, id)),
      allowedDomains: uniqueDomains(dto.allowedDomains) ?? [],
      enabled: dto.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    };
    await this.dataSource.transaction(async (em) => {
      await this.connections.of(tenantId, em).insert(connection);
      await this.audit.record(em, {
        tenantId,
        type: 'sso_connection.created',
        actor: actorOf(admin.principal),
        target: { type: 'sso_connection', id },
        meta: admin.meta,
        changes: { after: { ...audited(connection), clientSecret: 'set' } },
      });
    });
    return this.view(connection);
  }

  async list(
    tenantId: string,
    limit: number,
    after: CursorKey | null,
  ): Promise<Page<SsoConnectionView>> {
    const rows = await this.connections.of(tenantId).page(after, limit);
    return pageOf(
      rows,
      limit,
      (c) => c.createdAt,
      (c) => this.view(c),
    );
  }

  async get(tenantId: string, id: string): Promise<SsoConnectionView> {
    return this.view(await this.found(tenantId, id));
  }

  async update(admin: Admin, id: string, dto: UpdateSsoConnectionDto): Promise<SsoConnectionView> {
    const { tenantId } = admin;
    const current = await this.found(tenantId, id);
    const issuer = dto.issuer ?? current.issuer;
    const clientId = dto.clientId ?? current.clientId;
    if (issuer !== current.issuer || clientId !== current.clientId) await this.assertIssuer(issuer);
    const updated = await this.dataSource.transaction(async (em) => {
      const connections = this.connections.of(tenantId, em);
      const before = await connections.find(id, true);
      if (!before) throw new DomainException(ErrorCode.SsoConnectionNotFound);
      const changes: SsoConnectionChanges = { updatedAt: new Date() };
      if (dto.name !== undefined && dto.name !== before.name) changes.name = dto.name;
      if (dto.issuer !== undefined && dto.issuer !== before.issuer) changes.issuer = dto.issuer;
      if (dto.clientId !== undefined && dto.clientId !== before.clientId)
        changes.clientId = dto.clientId;
      const domains = uniqueDomains(dto.allowedDomains);
      if (
        domains !== undefined &&
        JSON.stringify(domains) !== JSON.stringify(before.allowedDomains)
      )
        changes.allowedDomains = domains;
      if (dto.enabled !== undefined && dto.enabled !== before.enabled)
        changes.enabled = dto.enabled;
      if (dto.clientSecret !== undefined)
        changes.clientSecret = this.secrets.seal(dto.clientSecret, secretAad(tenantId, id));
      if (Object.keys(changes).length === 1) return before;
      const after = { ...before, ...changes };
      await connections.update(id, changes);
      const changed = diff(audited(before), audited(after));
      if (changes.clientSecret !== undefined) changed.after.clientSecret = 'changed';
      await this.audit.record(em, {
        tenantId,
        type: 'sso_connection.updated',
        actor: actorOf(admin.principal),
        target: { type: 'sso_connection', id },
        meta: admin.meta,
        changes: changed,
      });
      return after;
    });
    return this.view(updated);
  }

  async remove(admin: Admin, id: string): Promise<void> {
    const { tenantId } = admin;
    await this.dataSource.transaction(async (em) => {
      const connections = this.connections.of(tenantId, em);
      const found = await connections.find(id, true);
      if (!found) throw new DomainException(ErrorCode.SsoConnectionNotFound);
      await connections.delete(id);
      await this.audit.record(em, {
        tenantId,
        type: 'sso_connection.deleted',
        actor: actorOf(admin.principal),
        target: { type: 'sso_connection', id },
        meta: admin.meta,
        changes: { before: audited(found) },
      });
    });
  }

  /** An enabled connection by id alone, secret opened; null when unknown, disabled or not a UUID. */
  async forSignIn(connectionId: string): Promise<SsoConnectionForSignIn | null> {
    const c = await this.connections.enabledById(connectionId);
    if (!c) return null;
    let clientSecret: string;
    try {
      clientSecret = this.secrets
        .open(c.clientSecret, secretAad(c.tenantId, c.id))
        .toString('utf8');
    } catch (error) {
      // A key missing from ENCRYPTION_KEYS or a tampered row: the connection cannot sign anyone in.
      this.logger.error(
        `SSO connection ${c.id} of tenant ${c.tenantId}: the client secret does not open (${(error as Error).message})`,
      );
      return null;
    }
    return {
      tenantId: c.tenantId,
      id: c.id,
      name: c.name,
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecret,
      allowedDomains: [...c.allowedDomains],
      updatedAt: c.updatedAt,
    };
  }

  /** Enabled connections of a tenant, for the sign-in page. */
  listEnabled(tenantId: string): Promise<{ id: string; name: string }[]> {
    return this.connections.of(tenantId).enabled();
  }

  /** The redirect URI to register at the provider. */
  redirectUri(id: string): string {
    return `${this.config.publicUrl}/api/v1/auth/sso/oidc/${id}/callback`;
  }

  private async found(tenantId: string, id: string): Promise<SsoConnectionEntity> {
    const c = await this.connections.of(tenantId).find(id);
    if (!c) throw new DomainException(ErrorCode.SsoConnectionNotFound);
    return c;
  }

  /** The issuer's URL, then its discovery document: before anything is written. */
  private async assertIssuer(issuer: string): Promise<void> {
    const allowLoopback = this.config.oidcConnectionsAllowLoopback;
    assertIssuerAllowed(issuer, allowLoopback);
    await checkDiscovery(this.fetcher, issuer, allowLoopback);
  }

  private view(c: SsoConnectionEntity): SsoConnectionView {
    return {
      id: c.id,
      name: c.name,
      issuer: c.issuer,
      clientId: c.clientId,
      clientSecretSet: true,
      allowedDomains: c.allowedDomains,
      enabled: c.enabled,
      redirectUri: this.redirectUri(c.id),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    };
  }
}
