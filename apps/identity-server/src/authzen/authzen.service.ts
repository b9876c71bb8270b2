import { Injectable } from '@nestjs/common';
import {
  abilityFor,
  allowedQuery,
  BUILT_IN_ACTIONS,
  namedActions,
  type CompiledAccessRules,
  type RequestValues,
  type RuleProblem,
} from '#policy';
import { AccessRulesService } from '../access-rules/index.js';
import { decideForMember, type AuthorizeResult } from '../authz/index.js';
import { PolicyService, type MemberPolicy } from '../policy/policy.service.js';
import { CatalogService } from '../resources/index.js';
import { DecisionLogService } from '../decision-logs/index.js';
import {
  encodeToken,
  readSearch,
  type AzContext,
  type AzEvaluation,
  type AzEvaluations,
} from './authzen-request.js';

/** What an evaluation answers: the decision, and a context with the reason or the error. */
export interface AzDecision {
  decision: boolean;
  context?: Record<string, unknown>;
}

/** An evaluation's answer, and what decided it (for the decision log, asked for or not). */
interface Decided {
  answer: AzDecision;
  why: unknown;
}

interface ItemError {
  status: number;
  code: string;
  message: string;
}

/** Members whose subject search walks through per call, at most: a page may come back short. */
const SUBJECT_SCAN_CHUNK = 500;
const SUBJECT_SCAN_MAX = 5000;
/** Catalog rows read per round while filling a resource search page. */
const RESOURCE_SCAN_MAX = 5000;

const refKey = (type: string, id: string) => `${type}\u0000${id}`;

/**
 * The OpenID AuthZEN 1.0 decision point of a tenant, on the policies the server already has:
 * members are the subjects (by id, username, email or SCIM externalId), their role, custom role
 * and team grants decide, and the tenant's access rules fence them by address and time, exactly
 * as `/authorize` and the server's own guard decide.
 */
@Injectable()
export class AuthzenService {
  constructor(
    private readonly policies: PolicyService,
    private readonly accessRules: AccessRulesService,
    private readonly catalog: CatalogService,
    private readonly decisionLogs: DecisionLogService,
  ) {}

  async evaluate(
    tenantId: string,
    request: AzEvaluation,
    reasons: boolean,
    requestId: string | null,
  ): Promise<AzDecision> {
    const [decided] = await this.evaluateMany(tenantId, [request], reasons);
    const { answer, why } = decided as Decided;
    this.log(tenantId, requestId, 'evaluation', request, answer, why);
    return answer;
  }

  /** A returned decision, in the tenant's decision log when it keeps one (it samples). */
  private log(
    tenantId: string,
    requestId: string | null,
    endpoint: string,
    r: AzEvaluation,
    answer: AzDecision,
    why: unknown,
  ): void {
    this.decisionLogs.record(tenantId, {
      requestId,
      endpoint,
      decision: answer.decision,
      subject: r.subject,
      action: r.action,
      resource: r.resource,
      context: r.context ?? null,
      reason: why,
    });
  }

  /**
   * Items in order; with `deny_on_first_deny` or `permit_on_first_permit` the answer stops after
   * the first deny or permit. An item that could not be evaluated is a deny with its error.
   */
  async evaluations(
    tenantId: string,
    batch: AzEvaluations & { items: NonNullable<AzEvaluations['items']> },
    reasons: boolean,
    requestId: string | null,
  ): Promise<AzDecision[]> {
    const valid = batch.items.flatMap((item) => (item.ok ? [item.evaluation] : []));
    // Every valid item is decided (a decision costs about a microsecond); the semantic then cuts
    // the answer after the first deny or permit, counting an item in error as a deny.
    const decided = await this.evaluateMany(tenantId, valid, reasons);
    const out: AzDecision[] = [];
    let next = 0;
    for (const item of batch.items) {
      let answer: AzDecision;
      if (item.ok) {
        const { answer: a, why } = decided[next++] as Decided;
        answer = a;
        this.log(tenantId, requestId, 'evaluations', item.evaluation, answer, why);
      } else {
        // Not a decision: the item could not be read, so it is answered but not logged.
        answer = errorDecision({
          status: 400,
          code: 'invalid_request',
          message: describe(item.problems),
        });
      }
      out.push(answer);
      if (stops(batch.semantic, answer.decision)) break;
    }
    return out;
  }

  /** Decides a list of evaluations with one lookup per distinct subject and one catalog read. */
  private async evaluateMany(
    tenantId: string,
    requests: AzEvaluation[],
    reasons: boolean,
  ): Promise<Decided[]> {
    if (requests.length === 0) return [];
    const members = new Map<string, MemberPolicy | ItemError>();
    for (const r of requests) {
      const key = subjectKey(r.subject);
      if (!members.has(key)) members.set(key, await this.member(tenantId, r.subject));
    }
    const catalog = await this.catalog.attributes(
      tenantId,
      requests.map((r) => ({ type: r.resource.type, id: r.resource.id })),
    );
    const accessRules = await this.accessRules.compiled(tenantId);
    const out: Decided[] = [];
    for (const r of requests) {
      const member = members.get(subjectKey(r.subject)) as MemberPolicy | ItemError;
      if ('code' in member) {
        out.push({ answer: errorDecision(member), why: { error: member } });
        continue;
      }
      const stored = catalog.get(refKey(r.resource.type, r.resource.id));
      const decision = this.decideFor(
        member,
        r.action.name,
        resourceObject(r.resource, stored),
        r,
        accessRules,
      );
      out.push({
        answer: reasons
          ? { decision: decision.allowed, context: { reason: decision.reason } }
          : { decision: decision.allowed },
        why: decision.reason,
      });
    }
    return out;
  }

  private decideFor(
    member: MemberPolicy,
    action: string,
    resource: { type: string } & Record<string, unknown>,
    r: {
      subject: AzEvaluation['subject'] | { type: string; id: string };
      action: AzEvaluation['action'];
      context?: AzContext;
    },
    accessRules: CompiledAccessRules,
  ): AuthorizeResult {
    return decideForMember(member, action, resource, {
      accessRules,
      context: accessContext(r.context),
      request: requestValues(r),
    });
  }

  /** The member a subject names, or why there is none to decide for. */
  private async member(
    tenantId: string,
    subject: { type: string; id: string },
  ): Promise<MemberPolicy | ItemError> {
    if (subject.type !== 'user')
      return {
        status: 400,
        code: 'unsupported_subject_type',
        message: `Subjects are members, of type "user"; got "${subject.type.slice(0, 64)}"`,
      };
    const id = await this.policies.resolveMember(tenantId, subject.id);
    const member = id ? await this.policies.forMember(tenantId, id) : null;
    if (!member)
      return {
        status: 404,
        code: 'subject_not_found',
        message: 'No member of this tenant has that id',
      };
    return member;
  }

  /** Subject search: the members who may take the action on the resource, a page at a time. */
  async searchSubjects(tenantId: string, body: unknown) {
    const { subject, action, resource, context, page, after } = readSearch(body, 'subject');
    if (subject.type !== 'user') return { page: { next_token: '', count: 0 }, results: [] };
    const stored = (await this.catalog.attributes(tenantId, [resource])).get(
      refKey(resource.type, resource.id),
    );
    const object = resourceObject(resource, stored);
    const accessRules = await this.accessRules.compiled(tenantId);
    const results: { type: string; id: string }[] = [];
    let cursor = after;
    let scanned = 0;
    let exhausted = false;
    scan: while (scanned < SUBJECT_SCAN_MAX) {
      const ids = await this.policies.memberIds(tenantId, cursor, SUBJECT_SCAN_CHUNK);
      const members = await this.policies.forMembers(tenantId, ids);
      for (const id of ids) {
        cursor = id;
        scanned++;
        const member = members.get(id);
        if (!member) continue;
        const username = member.policy.snapshot.attributes?.username;
        const subjectId = typeof username === 'string' ? username : id;
        const r = {
          subject: { type: 'user', id: subjectId },
          action,
          ...(context ? { context } : {}),
        };
        if (this.decideFor(member, action.name, object, r, accessRules).allowed) {
          results.push({ type: 'user', id: subjectId });
          if (results.length >= page.limit) break scan;
        }
      }
      if (ids.length < SUBJECT_SCAN_CHUNK) {
        exhausted = true;
        break;
      }
    }
    return {
      page: { next_token: exhausted ? '' : encodeToken(cursor), count: results.length },
      results,
    };
  }

  /**
   * Resource search: the catalog entries of a type the subject may take the action on. The
   * member's compiled rules become a SQL filter (a superset of what they allow); each row it
   * returns is then decided like an evaluation, so the answer never differs from one.
   */
  async searchResources(tenantId: string, body: unknown) {
    const { subject, action, resource, context, page, after } = readSearch(body, 'resource');
    const member = await this.member(tenantId, subject);
    if ('code' in member) return { page: { next_token: '', count: 0 }, results: [] };
    const accessRules = await this.accessRules.compiled(tenantId);
    const r = {
      subject,
      action,
      ...(context ? { context } : {}),
    };
    const { ability } = abilityFor(member.policy, requestValues(r));
    const query = allowedQuery(ability, action.name, resource.type);
    const results: { type: string; id: string }[] = [];
    if (query === null) return { page: { next_token: '', count: results.length }, results };
    let cursor = after;
    let scanned = 0;
    let more = true;
    while (results.length < page.limit && scanned < RESOURCE_SCAN_MAX && more) {
      const want = Math.min(page.limit - results.length + 10, RESOURCE_SCAN_MAX - scanned);
      const batch = await this.catalog.search(tenantId, resource.type, query, cursor, want);
      more = batch.next !== null;
      for (const item of batch.items) {
        cursor = item.id;
        scanned++;
        const object = resourceObject(
          {
            type: item.type,
            id: item.id,
            ...(resource.properties ? { properties: resource.properties } : {}),
          },
          item.attributes,
        );
        if (this.decideFor(member, action.name, object, r, accessRules).allowed) {
          results.push({ type: item.type, id: item.id });
          if (results.length >= page.limit) {
            more = more || batch.items[batch.items.length - 1]?.id !== item.id;
            break;
          }
        }
      }
    }
    return {
      page: { next_token: more ? encodeToken(cursor) : '', count: results.length },
      results,
    };
  }

  /**
   * Action search: the actions the subject may take on the resource. The candidates are the
   * actions its rules name for the type; a `manage` grant adds every action the tenant's roles
   * and team grants name there, and the built-in ones.
   */
  async searchActions(tenantId: string, body: unknown) {
    const { subject, resource: res, context } = readSearch(body, 'action');
    const member = await this.member(tenantId, subject);
    if ('code' in member) return { page: { next_token: '', count: 0 }, results: [] };
    const named = namedActions(member.policy, res.type);
    const candidates = new Set(named.names);
    if (named.manage) {
      for (const name of await this.policies.tenantActionNames(tenantId, res.type))
        candidates.add(name);
      for (const name of BUILT_IN_ACTIONS) if (name !== 'manage') candidates.add(name);
    }
    const stored = (await this.catalog.attributes(tenantId, [res])).get(refKey(res.type, res.id));
    const object = resourceObject(res, stored);
    const accessRules = await this.accessRules.compiled(tenantId);
    const results: { name: string }[] = [];
    for (const name of candidates) {
      const r = {
        subject,
        action: { name },
        ...(context ? { context } : {}),
      };
      if (this.decideFor(member, name, object, r, accessRules).allowed) results.push({ name });
    }
    return { page: { next_token: '', count: results.length }, results };
  }
}

function stops(semantic: AzEvaluations['semantic'], decision: boolean): boolean {
  return (
    (semantic === 'deny_on_first_deny' && !decision) ||
    (semantic === 'permit_on_first_permit' && decision)
  );
}

function errorDecision(error: ItemError): AzDecision {
  return { decision: false, context: { error } };
}

function describe(problems: RuleProblem[]): string {
  return problems.map((p) => `${p.field}: ${p.message}`).join('; ');
}

function subjectKey(subject: { type: string; id: string }): string {
  return `${subject.type}\u0000${subject.id}`;
}

/**
 * What conditions read of a resource: the catalog's attributes under the caller's properties,
 * then its type and id (never overridden).
 */
function resourceObject(
  resource: { type: string; id: string; properties?: Record<string, unknown> },
  stored: Record<string, unknown> | undefined,
): { type: string } & Record<string, unknown> {
  return { ...stored, ...resource.properties, type: resource.type, id: resource.id };
}

function accessContext(context: AzContext | undefined): { ip: string | null; time: Date } {
  return {
    ip: typeof context?.ip === 'string' ? context.ip : null,
    time: typeof context?.time === 'string' ? new Date(context.time) : new Date(),
  };
}

function requestValues(r: {
  subject: { type: string; id: string; properties?: Record<string, unknown> };
  action: { name: string; properties?: Record<string, unknown> };
  context?: AzContext;
}): RequestValues {
  return { subject: r.subject, action: r.action, ...(r.context ? { context: r.context } : {}) };
}
