import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  applyPatch,
  invalidValue,
  normalizeResource,
  parsePatch,
  project,
  SCHEMAS,
  ScimError,
  USER_RESOURCE,
} from '#scim';
import { isUuid, newId } from '#database';
import { AuditService, type AuditRecord } from '../audit/audit.service.js';
import { PolicyService } from '../authz/policy.service.js';
import type { RequestMeta } from '../auth/principal.js';
import { uniqueViolation } from '../common/db-errors.js';
import { diff } from '../common/diff.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { assertAnotherAdmin } from '../members/members.service.js';
import { MembershipEntity } from '../members/membership.entity.js';
import { MembershipsService } from '../members/memberships.service.js';
import { lockTenant } from '../tenants/tenants.service.js';
import { TenantEntity } from '../tenants/tenant.entity.js';
import { columnsOf } from '../database/columns.js';
import { USER_ATTRIBUTES, USER_COLUMN_ATTRIBUTES } from './scim-attributes.js';
import { SCIM_BASE_PATH } from './scim-errors.js';
import {
  assertNoNul,
  checkIfMatch,
  listResponse,
  nextUpdate,
  readPage,
  versionOf,
  wants,
  type ListParams,
  type ListSource,
  type Projection,
  type ScimResource,
} from './scim-protocol.js';
import type { ScimResourceAdapter } from './scim-resource-adapter.js';
import type { ScimCaller } from './scim-tokens.service.js';

/** SCIM-created members get the tenant's default role; SCIM never changes a role. */
const PROVISIONED_ROLE = 'member';

interface MemberRow {
  id: string;
  username: string;
  email: string;
  display_name: string;
  role: string;
  status: 'active' | 'suspended' | 'removed';
  external_id: string | null;
  scim: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = `m.id, m.username, m.email, m.display_name, m.role, m.status, m.external_id, m.scim, m.created_at, m.updated_at`;

const USERS: ListSource = {
  from: 'memberships m',
  alias: 'm',
  columns: COLUMNS,
  conditions: [`m.status <> 'removed'`],
  attributes: USER_ATTRIBUTES,
  coreSchema: SCHEMAS.user,
};

/** What a SCIM User sets on a membership. */
interface MemberFields {
  username: string;
  email: string;
  displayName: string;
  externalId: string | null;
  active: boolean;
  scim: Record<string, unknown>;
}

interface GroupRef {
  value: string;
  display: string;
}

/**
 * SCIM Users are the tenant's members (RFC 7643 §4.1 plus the enterprise extension). userName,
 * primary email, display name, externalId and active are membership columns; the rest of the
 * resource is kept in `scim`. Writes hold the tenant's lock (like the members API), so the
 * last-admin and seat guardrails hold under concurrent requests.
 */
@Injectable()
export class ScimUsersService implements ScimResourceAdapter {
  /** PATCH answers 200 with the user: Okta reads the user back from the answer. */
  readonly patchAnswer = 'resource';

  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly policies: PolicyService,
    private readonly memberships: MembershipsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(caller: ScimCaller, params: ListParams): Promise<ScimResource> {
    const { rows, totalResults } = await readPage<MemberRow>(
      this.dataSource,
      USERS,
      caller.tenantId,
      params,
    );
    const groups = wants(params, 'groups', SCHEMAS.user)
      ? await this.groupsOf(
          this.dataSource.manager,
          caller.tenantId,
          rows.map((r) => r.id),
        )
      : null;
    const resources = rows.map((row) =>
      project(this.toResource(row, groups?.get(row.id) ?? []), USER_RESOURCE, params),
    );
    return listResponse(resources, totalResults, params.startIndex);
  }

  async get(caller: ScimCaller, id: string): Promise<ScimResource> {
    const row = await this.find(this.dataSource.manager, caller.tenantId, id);
    const groups = await this.groupsOf(this.dataSource.manager, caller.tenantId, [id]);
    return this.toResource(row, groups.get(id) ?? []);
  }

  /** The resource as asked for (attributes / excludedAttributes). */
  shape(user: ScimResource, projection: Projection): ScimResource {
    return project(user, USER_RESOURCE, projection);
  }

  async create(caller: ScimCaller, body: unknown, meta: RequestMeta): Promise<ScimResource> {
    assertNoNul(body);
    const fields = fieldsOf(normalizeResource(body, USER_RESOURCE));
    const now = new Date();
    const created: MemberRow = {
      id: newId(),
      username: fields.username,
      email: fields.email,
      display_name: fields.displayName,
      role: PROVISIONED_ROLE,
      status: fields.active ? 'active' : 'suspended',
      external_id: fields.externalId,
      scim: fields.scim,
      created_at: now,
      updated_at: now,
    };
    // One round trip: provision_member (a migration) locks the tenant, counts seats for an active
    // member, and inserts the member and its audit event atomically. A new member is in no cached
    // policy anywhere, so a create announces nothing.
    const member: MembershipEntity = {
      tenantId: caller.tenantId,
      id: created.id,
      accountId: null,
      username: created.username,
      email: created.email,
      displayName: created.display_name,
      role: created.role,
      status: created.status,
      externalId: created.external_id,
      scim: created.scim,
      lastActiveAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const audit = this.audit.columnsOf(
      auditOf(caller, 'scim.user.created', created.id, meta, {
        after: { ...summary(fields), role: created.role },
      }),
    );
    const [result] = await this.write(
      () =>
        this.dataSource.query<{ outcome: string }[]>(
          'SELECT provision_member($1, $2, $3, $4) AS outcome',
          [
            caller.tenantId,
            JSON.stringify(columnsOf(this.dataSource, MembershipEntity, member)),
            JSON.stringify(audit),
            fields.active,
          ],
        ),
      fields.username,
    );
    if (result?.outcome === 'seat_limit') {
      const tenant = await this.dataSource
        .getRepository(TenantEntity)
        .findOneByOrFail({ id: caller.tenantId });
      throw seatLimitReached(tenant.settings.maxMembers);
    }
    if (result?.outcome !== 'created') throw new DomainException(ErrorCode.TenantNotFound);
    const row = created;
    return this.toResource(row, []);
  }

  /** PUT: the body replaces the resource (attributes left out are cleared). */
  replace(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<ScimResource> {
    assertNoNul(body);
    const replacement = normalizeResource(body, USER_RESOURCE);
    return this.update(caller, id, ifMatch, meta, () => replacement);
  }

  /** PATCH: the operations apply to the SCIM representation, which is then stored. */
  patch(
    caller: ScimCaller,
    id: string,
    body: unknown,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<ScimResource> {
    assertNoNul(body);
    const operations = parsePatch(body);
    return this.update(caller, id, ifMatch, meta, (current) =>
      applyPatch(current, operations, USER_RESOURCE),
    );
  }

  /** DELETE removes the membership (a status): access ends, history and the id stay. */
  async remove(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    await this.write(async (em) => {
      await lockTenant(em, caller.tenantId);
      const row = await this.find(em, caller.tenantId, id);
      checkIfMatch(ifMatch, versionOf(row.updated_at));
      if (row.role === 'admin' && row.status === 'active')
        await assertAnotherAdmin(em, caller.tenantId, id);
      await em.update(
        MembershipEntity,
        { tenantId: caller.tenantId, id },
        { status: 'removed', updatedAt: nextUpdate(row.updated_at) },
      );
      await em.query('DELETE FROM team_members WHERE tenant_id = $1 AND membership_id = $2', [
        caller.tenantId,
        id,
      ]);
      await this.record(em, caller, 'scim.user.deleted', id, meta, {
        before: { userName: row.username, status: row.status, role: row.role },
        after: { status: 'removed' },
      });
      await this.policies.changed(em, caller.tenantId);
    });
  }

  private async update(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
    next: (current: ScimResource) => ScimResource,
  ): Promise<ScimResource> {
    let username: string | undefined;
    return this.write(
      async (em) => {
        const tenant = await lockTenant(em, caller.tenantId);
        const row = await this.find(em, caller.tenantId, id);
        checkIfMatch(ifMatch, versionOf(row.updated_at));
        const groups = (await this.groupsOf(em, caller.tenantId, [id])).get(id) ?? [];
        const fields = fieldsOf(
          normalizeResource(next(this.toResource(row, groups)), USER_RESOURCE),
        );
        username = fields.username;
        const before = fieldsOfRow(row);
        const changes = diff(
          { ...summary(before), ...before.scim },
          { ...summary(fields), ...fields.scim },
        );
        delete changes.before.active;
        delete changes.after.active;
        const statusChanges = before.active !== fields.active;
        if (!statusChanges && Object.keys(changes.after).length === 0)
          return this.toResource(row, groups);
        if (statusChanges && !fields.active && row.role === 'admin')
          await assertAnotherAdmin(em, caller.tenantId, id);
        if (statusChanges && fields.active) await this.assertSeat(em, tenant);
        const updated: MemberRow = {
          ...row,
          username: fields.username,
          email: fields.email,
          display_name: fields.displayName,
          external_id: fields.externalId,
          status: fields.active ? 'active' : 'suspended',
          scim: fields.scim,
          updated_at: nextUpdate(row.updated_at),
        };
        await em.update(
          MembershipEntity,
          { tenantId: caller.tenantId, id },
          {
            username: updated.username,
            email: updated.email,
            displayName: updated.display_name,
            externalId: updated.external_id,
            status: updated.status,
            scim: updated.scim,
            updatedAt: updated.updated_at,
          },
        );
        // Cached policies of the tenant drop on every instance when this commits.
        await this.policies.changed(em, caller.tenantId);
        if (Object.keys(changes.after).length > 0)
          await this.record(em, caller, 'scim.user.updated', id, meta, changes);
        if (statusChanges) {
          await this.record(
            em,
            caller,
            fields.active ? 'scim.user.reactivated' : 'scim.user.deactivated',
            id,
            meta,
            { before: { status: row.status }, after: { status: updated.status } },
          );
        }
        return this.toResource(updated, groups);
      },
      () => username,
    );
  }

  /** Runs a write; a taken userName is 409 uniqueness (RFC 7644 §3.3). */
  private async write<T>(
    work: (em: EntityManager) => Promise<T>,
    username?: string | (() => string | undefined),
  ): Promise<T> {
    try {
      return await this.dataSource.transaction(work);
    } catch (error) {
      if (uniqueViolation(error) === 'memberships_tenant_username_key') {
        const name = typeof username === 'function' ? username() : username;
        throw new ScimError(
          409,
          'uniqueness',
          `A user with userName "${name ?? ''}" already exists in this organization`,
        );
      }
      throw error;
    }
  }

  private async record(
    em: EntityManager,
    caller: ScimCaller,
    type: string,
    memberId: string,
    meta: RequestMeta,
    changes: { before?: Record<string, unknown>; after?: Record<string, unknown> },
  ): Promise<void> {
    await this.audit.record(em, auditOf(caller, type, memberId, meta, changes));
  }

  /** SCIM creates and reactivations take a seat, as invitations do (active + pending < max). */
  private async assertSeat(em: EntityManager, tenant: TenantEntity): Promise<void> {
    const { members, pendingInvitations } = await this.memberships.seats(tenant.id, em);
    if (members + pendingInvitations >= tenant.settings.maxMembers)
      throw seatLimitReached(tenant.settings.maxMembers);
  }

  private async find(em: EntityManager, tenantId: string, id: string): Promise<MemberRow> {
    const rows: MemberRow[] = isUuid(id)
      ? await em.query(
          `SELECT ${COLUMNS} FROM memberships m WHERE m.tenant_id = $1 AND m.id = $2 AND m.status <> 'removed'`,
          [tenantId, id],
        )
      : [];
    const row = rows[0];
    if (!row) throw new ScimError(404, undefined, `User ${id} not found`);
    return row;
  }

  private async groupsOf(
    em: EntityManager,
    tenantId: string,
    memberIds: string[],
  ): Promise<Map<string, GroupRef[]>> {
    const out = new Map<string, GroupRef[]>();
    if (memberIds.length === 0) return out;
    const rows: { membership_id: string; id: string; name: string }[] = await em.query(
      `SELECT tm.membership_id, t.id, t.name FROM team_members tm
         JOIN teams t ON t.tenant_id = tm.tenant_id AND t.id = tm.team_id
        WHERE tm.tenant_id = $1 AND tm.membership_id = ANY($2::uuid[])
        ORDER BY t.name, t.id`,
      [tenantId, memberIds],
    );
    for (const r of rows) {
      const list = out.get(r.membership_id) ?? [];
      list.push({ value: r.id, display: r.name });
      out.set(r.membership_id, list);
    }
    return out;
  }

  private toResource(row: MemberRow, groups: GroupRef[]): ScimResource {
    const base = `${this.config.publicUrl}${SCIM_BASE_PATH}`;
    const { [SCHEMAS.enterpriseUser]: enterprise, ...rest } = row.scim ?? {};
    return {
      schemas: enterprise ? [SCHEMAS.user, SCHEMAS.enterpriseUser] : [SCHEMAS.user],
      id: row.id,
      ...(row.external_id !== null ? { externalId: row.external_id } : {}),
      userName: row.username,
      displayName: row.display_name,
      active: row.status === 'active',
      ...rest,
      ...(groups.length > 0
        ? {
            groups: groups.map((g) => ({
              value: g.value,
              $ref: `${base}/Groups/${g.value}`,
              display: g.display,
              type: 'direct',
            })),
          }
        : {}),
      ...(enterprise ? { [SCHEMAS.enterpriseUser]: enterprise } : {}),
      meta: {
        resourceType: 'User',
        created: row.created_at.toISOString(),
        lastModified: row.updated_at.toISOString(),
        location: `${base}/Users/${row.id}`,
        version: versionOf(row.updated_at),
      },
    };
  }
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function bounded(value: string, max: number, what: string): string {
  if (value.length > max) throw invalidValue(`${what} is longer than ${max} characters`);
  return value;
}

/** The membership columns a (normalized) SCIM User sets; the rest goes to `scim`. */
function fieldsOf(resource: ScimResource): MemberFields {
  const username = text(resource.userName);
  if (!username) throw invalidValue('userName is required');
  const emails = Array.isArray(resource.emails)
    ? (resource.emails as Record<string, unknown>[])
    : [];
  const primary = emails.find((e) => e?.primary === true) ?? emails[0];
  const name = (resource.name ?? {}) as Record<string, unknown>;
  const explicitDisplayName = text(resource.displayName);
  const derived =
    text(name.formatted) ??
    text([text(name.givenName), text(name.familyName)].filter(Boolean).join(' ')) ??
    username;
  const externalId = resource.externalId;
  if (externalId !== undefined && externalId !== null && typeof externalId !== 'string')
    throw invalidValue('externalId is a string');
  const scim: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (['schemas', 'id', 'externalId', 'meta'].includes(key) || USER_COLUMN_ATTRIBUTES.has(key))
      continue;
    scim[key] = value;
  }
  return {
    username: bounded(username, 100, 'userName'),
    email: bounded(text(primary?.value)?.toLowerCase() ?? '', 254, 'The primary email'),
    displayName: explicitDisplayName
      ? bounded(explicitDisplayName, 200, 'displayName')
      : derived.slice(0, 200),
    externalId: externalId ? bounded(externalId, 255, 'externalId') : null,
    active: resource.active !== false,
    scim,
  };
}

function fieldsOfRow(row: MemberRow): MemberFields {
  return {
    username: row.username,
    email: row.email,
    displayName: row.display_name,
    externalId: row.external_id,
    active: row.status === 'active',
    scim: row.scim ?? {},
  };
}

function summary(fields: MemberFields): Record<string, unknown> {
  return {
    userName: fields.username,
    email: fields.email,
    displayName: fields.displayName,
    externalId: fields.externalId,
    active: fields.active,
  };
}

function seatLimitReached(maxMembers: number): DomainException {
  return new DomainException(
    ErrorCode.SeatLimitReached,
    `All ${maxMembers} seats of this organization are taken by active members and pending invitations`,
  );
}

/** A SCIM change to a member, as the audit trail records it: the token is the actor. */
function auditOf(
  caller: ScimCaller,
  type: string,
  memberId: string,
  meta: RequestMeta,
  changes: { before?: Record<string, unknown>; after?: Record<string, unknown> },
): AuditRecord {
  return {
    tenantId: caller.tenantId,
    type,
    actor: { type: 'scim_token', id: caller.tokenId },
    target: { type: 'member', id: memberId },
    meta,
    changes,
  };
}
