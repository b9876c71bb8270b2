import { isIP } from 'node:net';
import type { RuleProblem } from '#policy';
import { isRfc3339 } from '../common/rfc3339.js';

/**
 * The shapes of the OpenID AuthZEN Authorization API 1.0 requests, read by hand: each field is
 * checked as the specification defines it (unknown fields are ignored), and every problem names its
 * JSON path, so that a batch item can fail alone and a whole request fails with a 400 that says
 * what is wrong.
 */
export interface AzSubject {
  type: string;
  id: string;
  properties?: Record<string, unknown>;
}
export interface AzResource {
  type: string;
  id: string;
  properties?: Record<string, unknown>;
}
export interface AzAction {
  name: string;
  properties?: Record<string, unknown>;
}
export type AzContext = Record<string, unknown>;

export interface AzEvaluation {
  subject: AzSubject;
  action: AzAction;
  resource: AzResource;
  context?: AzContext;
}

export const EVALUATIONS_SEMANTICS = [
  'execute_all',
  'deny_on_first_deny',
  'permit_on_first_permit',
] as const;
export type EvaluationsSemantic = (typeof EVALUATIONS_SEMANTICS)[number];

/** Items in one evaluations request: the benchmark's batches are 100; a gateway's rarely more. */
export const MAX_EVALUATIONS = 1000;
const MAX_TYPE = 64;
const MAX_ID = 255;
const MAX_NAME = 64;

export class RequestProblems extends Error {
  constructor(readonly problems: RuleProblem[]) {
    super(problems.map((p) => `${p.field}: ${p.message}`).join('; '));
  }
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(
  value: unknown,
  at: string,
  max: number,
  problems: RuleProblem[],
  required = true,
): string | undefined {
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    problems.push({
      field: at,
      message: value === undefined ? 'is required' : `must be a string of 1 to ${max} characters`,
    });
    return undefined;
  }
  return value;
}

function properties(
  value: unknown,
  at: string,
  problems: RuleProblem[],
): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    problems.push({ field: at, message: 'must be an object' });
    return undefined;
  }
  return value;
}

/** Whether `value` is an object; if not, the problem: missing, or of another type. */
function requiredObject(
  value: unknown,
  at: string,
  problems: RuleProblem[],
): value is Record<string, unknown> {
  if (isObject(value)) return true;
  problems.push({ field: at, message: value === undefined ? 'is required' : 'must be an object' });
  return false;
}

/** A subject or resource: `type` and (unless a search leaves it out) `id`. */
export function readEntity(
  value: unknown,
  at: string,
  problems: RuleProblem[],
  idRequired = true,
): { type: string; id?: string; properties?: Record<string, unknown> } | undefined {
  if (!requiredObject(value, at, problems)) return undefined;
  const before = problems.length;
  const type = text(value.type, `${at}.type`, MAX_TYPE, problems);
  const id = text(value.id, `${at}.id`, MAX_ID, problems, idRequired);
  const props = properties(value.properties, `${at}.properties`, problems);
  if (problems.length > before || type === undefined) return undefined;
  return { type, ...(id !== undefined ? { id } : {}), ...(props ? { properties: props } : {}) };
}

export function readAction(
  value: unknown,
  at: string,
  problems: RuleProblem[],
): AzAction | undefined {
  if (!requiredObject(value, at, problems)) return undefined;
  const before = problems.length;
  const name = text(value.name, `${at}.name`, MAX_NAME, problems);
  const props = properties(value.properties, `${at}.properties`, problems);
  if (problems.length > before || name === undefined) return undefined;
  return { name, ...(props ? { properties: props } : {}) };
}

/**
 * The context: any object. The members it shares with `/authorize` are checked, since access
 * rules read them: `ip` (the client address) and `time` (RFC 3339, the moment to decide at).
 */
export function readContext(
  value: unknown,
  at: string,
  problems: RuleProblem[],
): AzContext | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) {
    problems.push({ field: at, message: 'must be an object' });
    return undefined;
  }
  if (value.ip !== undefined && (typeof value.ip !== 'string' || isIP(value.ip) === 0))
    problems.push({ field: `${at}.ip`, message: 'must be an IPv4 or IPv6 address' });
  // RFC 3339 allows a lower-case t and z.
  if (
    value.time !== undefined &&
    (typeof value.time !== 'string' || !isRfc3339(value.time.toUpperCase()))
  )
    problems.push({ field: `${at}.time`, message: 'must be an RFC 3339 date-time' });
  return value;
}

/** Options every endpoint accepts beside the specification's: `reasons` asks for the why. */
export function wantsReasons(body: Record<string, unknown>): boolean {
  return isObject(body.options) && body.options.reasons === true;
}

export function readEvaluation(body: unknown): AzEvaluation {
  const problems: RuleProblem[] = [];
  if (!isObject(body))
    throw new RequestProblems([{ field: '', message: 'the body must be a JSON object' }]);
  const subject = readEntity(body.subject, 'subject', problems);
  const action = readAction(body.action, 'action', problems);
  const resource = readEntity(body.resource, 'resource', problems);
  const context = readContext(body.context, 'context', problems);
  if (problems.length > 0 || !subject || !action || !resource) throw new RequestProblems(problems);
  return {
    subject: subject as AzSubject,
    action,
    resource: resource as AzResource,
    ...(context ? { context } : {}),
  };
}

/** One item of a batch, its defaults applied: the evaluation, or what is wrong with it. */
export type BatchItem =
  { ok: true; evaluation: AzEvaluation } | { ok: false; problems: RuleProblem[] };

export interface AzEvaluations {
  /** null: no `evaluations` array (or an empty one), so the request is one evaluation. */
  items: BatchItem[] | null;
  semantic: EvaluationsSemantic;
}

/**
 * A batch: top-level subject, action, resource and context are defaults that an item's own
 * replaces whole. The request itself fails (400) only for what concerns all of it: not an object,
 * `evaluations` not an array or too long, an unknown semantic. An item that is not an object, or
 * misses a field after the defaults, is answered on its own with an error.
 */
export function readEvaluations(body: unknown): AzEvaluations {
  if (!isObject(body))
    throw new RequestProblems([{ field: '', message: 'the body must be a JSON object' }]);
  const problems: RuleProblem[] = [];
  let semantic: EvaluationsSemantic = 'execute_all';
  if (body.options !== undefined) {
    if (!isObject(body.options)) problems.push({ field: 'options', message: 'must be an object' });
    else if (body.options.evaluations_semantic !== undefined) {
      const given = body.options.evaluations_semantic;
      if (typeof given === 'string' && (EVALUATIONS_SEMANTICS as readonly string[]).includes(given))
        semantic = given as EvaluationsSemantic;
      else
        problems.push({
          field: 'options.evaluations_semantic',
          message: `must be one of ${EVALUATIONS_SEMANTICS.join(', ')}`,
        });
    }
  }
  const list = body.evaluations;
  if (list !== undefined && list !== null && !Array.isArray(list))
    problems.push({ field: 'evaluations', message: 'must be an array' });
  else if (Array.isArray(list) && list.length > MAX_EVALUATIONS)
    problems.push({
      field: 'evaluations',
      message: `at most ${MAX_EVALUATIONS} items, got ${list.length}`,
    });
  if (problems.length > 0) throw new RequestProblems(problems);
  if (!Array.isArray(list) || list.length === 0) {
    return { items: null, semantic };
  }
  const items = list.map((item: unknown, i): BatchItem => {
    const at = `evaluations[${i}]`;
    if (!isObject(item))
      return { ok: false, problems: [{ field: at, message: 'must be an object' }] };
    const itemProblems: RuleProblem[] = [];
    const pick = (key: string) =>
      item[key] !== undefined ? [item[key], `${at}.${key}`] : [body[key], key];
    const [s, sAt] = pick('subject');
    const [a, aAt] = pick('action');
    const [r, rAt] = pick('resource');
    const [c, cAt] = pick('context');
    const subject = readEntity(s, sAt as string, itemProblems);
    const action = readAction(a, aAt as string, itemProblems);
    const resource = readEntity(r, rAt as string, itemProblems);
    const context = readContext(c, cAt as string, itemProblems);
    if (itemProblems.length > 0 || !subject || !action || !resource)
      return { ok: false, problems: itemProblems };
    return {
      ok: true,
      evaluation: {
        subject: subject as AzSubject,
        action,
        resource: resource as AzResource,
        ...(context ? { context } : {}),
      },
    };
  });
  return { items, semantic };
}

/** The `page` object of a search request: an opaque token from the last answer and a size. */
export interface AzPage {
  token: string | null;
  limit: number;
}
export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 1000;

export function readPage(value: unknown, problems: RuleProblem[]): AzPage {
  if (value === undefined || value === null) return { token: null, limit: DEFAULT_PAGE_LIMIT };
  if (!isObject(value)) {
    problems.push({ field: 'page', message: 'must be an object' });
    return { token: null, limit: DEFAULT_PAGE_LIMIT };
  }
  let token: string | null = null;
  if (value.token !== undefined && value.token !== null && value.token !== '') {
    if (typeof value.token !== 'string' || value.token.length > 512)
      problems.push({ field: 'page.token', message: 'must be the token of a previous answer' });
    else token = value.token;
  }
  let limit = DEFAULT_PAGE_LIMIT;
  // A limit of 0 means none was given (§8.2.1).
  if (value.limit !== undefined && value.limit !== 0) {
    if (
      !Number.isInteger(value.limit) ||
      (value.limit as number) < 1 ||
      (value.limit as number) > MAX_PAGE_LIMIT
    )
      problems.push({
        field: 'page.limit',
        message: `must be a whole number from 1 to ${MAX_PAGE_LIMIT}`,
      });
    else limit = value.limit as number;
  }
  return { token, limit };
}

/** Page tokens are opaque to callers: the last id the search looked at, base64url-encoded. */
export function encodeToken(after: string | null): string {
  return after === null ? '' : Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url');
}

function decodeToken(page: AzPage, problems: RuleProblem[]): string | null {
  if (page.token === null) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(page.token, 'base64url').toString('utf8'));
    if (isObject(value) && typeof value.after === 'string' && value.after.length <= 255)
      return value.after;
  } catch {
    // refused below
  }
  problems.push({ field: 'page.token', message: 'must be the token of a previous answer' });
  return null;
}

type Searched = 'subject' | 'resource' | 'action';
/** A subject or resource a search looks for: its type, and perhaps an id. */
type AzSought = { type: string; id?: string; properties?: Record<string, unknown> };

/** A search request, read: the searched entity needs no id, or (action search) no action. */
export interface AzSearch<S extends Searched> {
  subject: S extends 'subject' ? AzSought : AzSubject;
  action: S extends 'action' ? undefined : AzAction;
  resource: S extends 'resource' ? AzSought : AzResource;
  context?: AzContext;
  page: AzPage;
  /** Where the page starts: the position the previous page's token carries, or null. */
  after: string | null;
}

/**
 * The body of a subject, resource or action search (§8): what is searched for is the subject or
 * the resource without an id, or the action left out; all else as in an evaluation, and a page.
 */
export function readSearch<S extends Searched>(body: unknown, searched: S): AzSearch<S> {
  const problems: RuleProblem[] = [];
  const b = isObject(body) ? body : {};
  if (!isObject(body)) problems.push({ field: '', message: 'the body must be a JSON object' });
  const subject = readEntity(b.subject, 'subject', problems, searched !== 'subject');
  const action = searched === 'action' ? undefined : readAction(b.action, 'action', problems);
  const resource = readEntity(b.resource, 'resource', problems, searched !== 'resource');
  const context = readContext(b.context, 'context', problems);
  const page = readPage(b.page, problems);
  const after = decodeToken(page, problems);
  if (problems.length > 0 || !subject || !resource || (searched !== 'action' && !action))
    throw new RequestProblems(problems);
  // The ids the search needs were required above, so the shapes are the ones AzSearch<S> names.
  return { subject, action, resource, ...(context ? { context } : {}), page, after } as AzSearch<S>;
}
