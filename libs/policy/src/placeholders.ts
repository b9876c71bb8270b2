/**
 * Placeholders in condition values: a whole string `${source.path}` that is replaced before the
 * rule is evaluated. `member.*` names what the server stores about the member (filled once, when
 * the member's policy is compiled); `subject.*`, `action.*` and `context.*` name what the caller
 * sent with one request (filled per decision).
 *
 * - `${member.id}`, `${member.teamIds}`, `${member.role}`, `${member.email}`,
 *   `${member.username}`, `${member.externalId}`, `${member.displayName}`, and any other stored
 *   attribute by name (`${member.department}`, SCIM's enterprise attributes included);
 * - `${subject.id}`, `${subject.type}`, `${subject.properties.<path>}`;
 * - `${action.name}`, `${action.properties.<path>}`;
 * - `${context.<path>}`.
 *
 * A placeholder whose value is missing never opens anything: an allowing rule that needs it does
 * not apply, and a forbidding rule applies without its conditions.
 */
const SEGMENT = '[A-Za-z_][A-Za-z0-9_-]{0,63}';
const PATH = `${SEGMENT}(?:\\.${SEGMENT}){0,5}`;
export const PLACEHOLDER = new RegExp(
  `^\\$\\{(?:member\\.(${PATH})|subject\\.(id|type|properties\\.${PATH})|action\\.(name|properties\\.${PATH})|context\\.(${PATH}))\\}$`,
);

/** Whether a value is written as a placeholder at all (`${…}`), known or not. */
export function looksLikePlaceholder(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('${') && value.endsWith('}');
}

export type PlaceholderSource = 'member' | 'request';

/** Where a placeholder's value comes from, or null for a value that is not a known placeholder. */
export function placeholderSource(value: string): PlaceholderSource | null {
  const match = PLACEHOLDER.exec(value);
  if (!match) return null;
  return match[1] !== undefined ? 'member' : 'request';
}

/** What a request's placeholders read: the caller's subject, action and context. */
export interface RequestValues {
  subject?: { id?: unknown; type?: unknown; properties?: unknown };
  action?: { name?: unknown; properties?: unknown };
  context?: unknown;
}

/** A value that stands for "the placeholder has no value here". */
export const MISSING: unique symbol = Symbol('missing placeholder');

function read(root: unknown, path: string[]): unknown {
  let at: unknown = root;
  for (const key of path) {
    if (typeof at !== 'object' || at === null || Array.isArray(at) || !Object.hasOwn(at, key))
      return MISSING;
    at = (at as Record<string, unknown>)[key];
  }
  return at === undefined || at === null ? MISSING : at;
}

/**
 * Fills the placeholders of one source in a condition value, recursively. The other source's
 * placeholders are left as they are. Returns MISSING when a placeholder of this source has no
 * value (the caller decides what a rule without it means).
 */
export function fillPlaceholders(
  value: unknown,
  source: PlaceholderSource,
  lookup: (placeholder: string) => unknown,
): unknown {
  if (typeof value === 'string') {
    if (!looksLikePlaceholder(value) || placeholderSource(value) !== source) return value;
    return lookup(value);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      const filled = fillPlaceholders(item, source, lookup);
      if (filled === MISSING) return MISSING;
      out.push(filled);
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const filled = fillPlaceholders(item, source, lookup);
      if (filled === MISSING) return MISSING;
      out[key] = filled;
    }
    return out;
  }
  return value;
}

/** Whether a condition value still holds a placeholder of a request (filled per decision). */
export function hasRequestPlaceholder(value: unknown): boolean {
  if (typeof value === 'string')
    return looksLikePlaceholder(value) && placeholderSource(value) === 'request';
  if (Array.isArray(value)) return value.some(hasRequestPlaceholder);
  if (typeof value === 'object' && value !== null)
    return Object.values(value).some(hasRequestPlaceholder);
  return false;
}

/** The member placeholders' values, from the member's stored attributes. */
export function memberLookup(
  attributes: Record<string, unknown>,
): (placeholder: string) => unknown {
  return (placeholder) => {
    const path = PLACEHOLDER.exec(placeholder)?.[1];
    return path === undefined ? MISSING : read(attributes, path.split('.'));
  };
}

/** The request placeholders' values, from what the caller sent. */
export function requestLookup(values: RequestValues): (placeholder: string) => unknown {
  return (placeholder) => {
    const match = PLACEHOLDER.exec(placeholder);
    if (!match) return MISSING;
    if (match[2] !== undefined) return read(values.subject, match[2].split('.'));
    if (match[3] !== undefined) return read(values.action, match[3].split('.'));
    if (match[4] !== undefined) return read(values.context, match[4].split('.'));
    return MISSING;
  };
}
