import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { invalidValue, normalizeResource, project, SCHEMAS, ScimError, USER_RESOURCE } from '#scim';
import type { RequestMeta } from '../common/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import {
  MembershipLifecycle,
  MEMBERSHIP_STATUS,
  MembershipsRepository,
  PROFILE_FIELDS,
  type ProfileValues,
  MemberTeamsPort,
  statusSql,
  type MemberCommand,
  type MembershipEntity,
  type MemberProfile,
  type TeamRef,
} from '../members/index.js';
import { USER_ATTRIBUTES, USER_COLUMN_ATTRIBUTES } from './scim-attributes.js';
import { SCIM_BASE_PATH } from './scim-errors.js';
import {
  assertNoNul,
  checkIfMatch,
  listResponse,
  readPage,
  versionOf,
  wants,
  type ListParams,
  type ListSource,
  type ScimResource,
} from './scim-protocol.js';
import type { ScimResourceAdapter } from './scim-resource-adapter.js';
import type { ScimCaller } from './scim-tokens.service.js';

/** A list row: the profile columns by column name, and the rest. */
type MemberRow = Record<string, string | null> & {
  id: string;
  status: MembershipEntity['status'];
  scim: Record<string, unknown>;
  created_at: Date;
  updated_at: Date;
};

/** The member fields a SCIM User shows. */
type UserFields = ProfileValues &
  Pick<MembershipEntity, 'id' | 'status' | 'scim' | 'createdAt' | 'updatedAt'>;

const COLUMNS = [
  'm.id',
  'm.status',
  'm.scim',
  'm.created_at',
  'm.updated_at',
  ...PROFILE_FIELDS.map((f) => `m.${f.column}`),
].join(', ');

const USERS: ListSource = {
  from: 'memberships m',
  alias: 'm',
  columns: COLUMNS,
  conditions: [statusSql('m.status', 'listed')],
  attributes: USER_ATTRIBUTES,
  coreSchema: SCHEMAS.user,
};

/**
 * SCIM Users are the tenant's members (RFC 7643 §4.1 plus the enterprise extension): a
 * translation to and from the membership lifecycle, which holds every rule (seats, last admin,
 * removed is final) and writes. userName, primary email, display name, externalId and active are
 * membership columns; the rest of the resource is kept in `scim`.
 */
@Injectable()
export class ScimUsersService implements ScimResourceAdapter {
  readonly resourceType = USER_RESOURCE;
  /** PATCH answers 200 with the user: Okta reads the user back from the answer. */
  readonly patchAnswer = 'resource';

  constructor(
    private readonly dataSource: DataSource,
    private readonly lifecycle: MembershipLifecycle,
    private readonly memberships: MembershipsRepository,
    private readonly teams: MemberTeamsPort,
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
          caller.tenantId,
          rows.map((r) => r.id),
        )
      : null;
    const resources = rows.map((row) =>
      project(this.toResource(rowOf(row), groups?.get(row.id) ?? []), USER_RESOURCE, params),
    );
    return listResponse(resources, totalResults, params.startIndex);
  }

  async get(caller: ScimCaller, id: string): Promise<ScimResource> {
    const member = await this.memberships.of(caller.tenantId).findListed(id);
    if (!member) throw notFound(id);
    const groups = await this.groupsOf(caller.tenantId, [id]);
    return this.toResource(member, groups.get(id) ?? []);
  }

  /** POST: a new member, or the adoption of an invited member with the same email. */
  async create(caller: ScimCaller, body: unknown, meta: RequestMeta): Promise<ScimResource> {
    assertNoNul(body);
    const { profile, active } = fieldsOf(normalizeResource(body, USER_RESOURCE));
    const { member, adopted } = await this.lifecycle.provision(
      commandOf(caller, meta),
      profile,
      active ?? true,
    );
    const groups = adopted
      ? await this.groupsOf(caller.tenantId, [member.id])
      : new Map<string, TeamRef[]>();
    return this.toResource(member, groups.get(member.id) ?? []);
  }

  /** DELETE removes the membership (a status): access ends, history and the id stay. */
  async remove(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
  ): Promise<void> {
    await this.lifecycle.remove(commandOf(caller, meta), id, {
      check: (member) => checkIfMatch(ifMatch, versionOf(member.updatedAt)),
    });
  }

  /** PUT and PATCH: `next` computes the new representation from the current one, under the lock. */
  async update(
    caller: ScimCaller,
    id: string,
    ifMatch: string | undefined,
    meta: RequestMeta,
    next: (current: ScimResource) => ScimResource,
  ): Promise<ScimResource> {
    let groups: TeamRef[] = [];
    const member = await this.lifecycle.updateProfile(
      commandOf(caller, meta),
      id,
      async (current, em) => {
        checkIfMatch(ifMatch, versionOf(current.updatedAt));
        groups = (await this.teams.teamsOf(em, caller.tenantId, [id])).get(id) ?? [];
        return fieldsOf(normalizeResource(next(this.toResource(current, groups)), USER_RESOURCE));
      },
    );
    return this.toResource(member, groups);
  }

  private groupsOf(tenantId: string, memberIds: string[]): Promise<Map<string, TeamRef[]>> {
    return this.teams.teamsOf(this.dataSource.manager, tenantId, memberIds);
  }

  private toResource(member: UserFields, groups: TeamRef[]): ScimResource {
    const base = `${this.config.publicUrl}${SCIM_BASE_PATH}`;
    const { [SCHEMAS.enterpriseUser]: enterprise, ...rest } = (member.scim ?? {}) as Record<
      string,
      unknown
    >;
    return {
      schemas: enterprise ? [SCHEMAS.user, SCHEMAS.enterpriseUser] : [SCHEMAS.user],
      id: member.id,
      // Unassigned profile attributes are left out (RFC 7643 §2.5).
      ...Object.fromEntries(
        PROFILE_FIELDS.flatMap((f) =>
          member[f.property] !== null ? [[f.scim, member[f.property]]] : [],
        ),
      ),
      active: MEMBERSHIP_STATUS[member.status].hasAccess,
      ...rest,
      ...(groups.length > 0
        ? {
            groups: groups.map((g) => ({
              value: g.id,
              $ref: `${base}/Groups/${g.id}`,
              display: g.name,
              type: 'direct',
            })),
          }
        : {}),
      ...(enterprise ? { [SCHEMAS.enterpriseUser]: enterprise } : {}),
      meta: {
        resourceType: 'User',
        created: member.createdAt.toISOString(),
        lastModified: member.updatedAt.toISOString(),
        location: `${base}/Users/${member.id}`,
        version: versionOf(member.updatedAt),
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

/**
 * What a (normalized) SCIM User sets on a membership: the profile columns, the rest in `scim`,
 * and `active` (undefined when unassigned: the status then stays as it is).
 */
function fieldsOf(resource: ScimResource): { profile: MemberProfile; active: boolean | undefined } {
  const emails = Array.isArray(resource.emails)
    ? (resource.emails as Record<string, unknown>[])
    : [];
  const primary = emails.find((e) => e?.primary === true) ?? emails[0];
  const active = resource.active;
  if (active !== undefined && active !== null && typeof active !== 'boolean')
    throw invalidValue('active is a boolean');
  const scim: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (['schemas', 'id', 'meta'].includes(key) || USER_COLUMN_ATTRIBUTES.has(key)) continue;
    scim[key] = value;
  }
  return {
    profile: {
      ...profileOf(resource),
      email: bounded(text(primary?.value)?.toLowerCase() ?? '', 254, 'The primary email'),
      scim,
    },
    active: typeof active === 'boolean' ? active : undefined,
  };
}

/** The profile columns a SCIM User sets (members/member-fields.ts); blank reads as unassigned. */
function profileOf(resource: ScimResource): ProfileValues {
  const values: Record<string, string | null> = {};
  for (const field of PROFILE_FIELDS) {
    const raw = resource[field.scim];
    if (raw !== undefined && raw !== null && typeof raw !== 'string')
      throw invalidValue(`${field.scim} is a string`);
    const value = field.caseExact ? raw || undefined : text(raw);
    if (value === undefined && field.required) throw invalidValue(`${field.scim} is required`);
    values[field.property] =
      value === undefined ? null : bounded(value, field.maxLength, field.scim);
  }
  return values as ProfileValues;
}

function notFound(id: string): ScimError {
  return new ScimError(404, undefined, `User ${id} not found`);
}

function commandOf(caller: ScimCaller, meta: RequestMeta): MemberCommand {
  return {
    tenantId: caller.tenantId,
    actor: { type: 'scim_token', id: caller.tokenId },
    meta,
    source: 'scim',
  };
}

/** A list row as the member fields a SCIM User shows. */
function rowOf(row: MemberRow): UserFields {
  return {
    ...(Object.fromEntries(
      PROFILE_FIELDS.map((f) => [f.property, row[f.column] ?? null]),
    ) as ProfileValues),
    id: row.id,
    status: row.status,
    scim: row.scim ?? {},
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
