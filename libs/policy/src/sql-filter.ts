/**
 * CASL's `rulesToQuery` answer (a Mongo-shaped query) as a parameterised SQL boolean expression,
 * for listing stored subjects a principal may act on. The expression is always a SUPERSET of the
 * rows CASL accepts: the caller checks every row with `ability.can()` afterwards. Whatever cannot
 * be translated exactly (an operator this file does not know, an object compared by value, a
 * string that JavaScript would coerce to a number, a path through an array) reads TRUE where it
 * widens the answer and FALSE where it sits under a negation, so the widening survives `$nor`,
 * `$ne` and `$nin`.
 *
 * The semantics mirrored are @ucast/js's (CASL's interpreter): equality with a scalar matches an
 * equal scalar or an array holding it, types never coerce for equality (101 is not "101"), a
 * missing field equals null, `$ne`/`$nin` are plain negations (a missing field is "not equal"),
 * and comparisons use JavaScript's `a === b ? 0 : a > b ? 1 : -1`, so `$lt`/`$lte` accept a
 * missing field and `$gt`/`$gte` do not.
 *
 * `$or`, `$and` and `$nor` are read as the logic allowedQuery (policy.ts) builds. Inside one rule's
 * conditions CASL's matcher would not read them so (it never matches them), but the server
 * refuses such rules (permission-rules.ts: a condition names attributes, then operators).
 */

/** How a condition's field is stored: a text column, or a path in a jsonb document. */
export type SqlColumn = { kind: 'text'; sql: string } | { kind: 'jsonb'; sql: string };

export interface SqlFilterContext {
  /**
   * The storage of a field named in a condition. For `text` the whole (dotted) field is the
   * column; for `jsonb` `sql` is the document and the field's dot-separated segments are a path
   * in it.
   */
  column(field: string): SqlColumn;
  /** Binds a value, answering its placeholder (`$3`). Arrays bind as SQL arrays. */
  param(value: unknown): string;
}

/** `superset`: an untranslatable piece reads TRUE; `subset` (under a negation): FALSE. */
type Mode = 'superset' | 'subset';

const flip = (mode: Mode): Mode => (mode === 'superset' ? 'subset' : 'superset');
const inexact = (mode: Mode): string => (mode === 'superset' ? 'TRUE' : 'FALSE');

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

const never = (sql: string): string => `COALESCE((${sql}), FALSE)`;
const not = (sql: string): string => `NOT (${sql})`;
const any = (parts: string[]): string =>
  parts.length === 0 ? 'FALSE' : parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
const all = (parts: string[]): string =>
  parts.length === 0 ? 'TRUE' : parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;

/** A field resolved: its value's SQL (NULL when missing) and what to check about its parents. */
interface Target {
  kind: 'text' | 'jsonb';
  value: string;
  /** jsonb only: every parent on the path is an object (else CASL walks arrays or stops). */
  parentsAreObjects: string | null;
}

class Translator {
  constructor(private readonly ctx: SqlFilterContext) {}

  /** A conditions object: every key must hold. */
  conditions(query: Record<string, unknown>, mode: Mode, root?: string): string {
    const parts: string[] = [];
    for (const [key, value] of Object.entries(query)) {
      if (key === '$or' || key === '$and' || key === '$nor') {
        if (!Array.isArray(value) || !value.every(isPlainObject)) {
          parts.push(inexact(mode));
          continue;
        }
        if (key === '$nor')
          parts.push(not(any(value.map((q) => this.conditions(q, flip(mode), root)))));
        else {
          const inner = value.map((q) => this.conditions(q, mode, root));
          parts.push(key === '$or' ? any(inner) : all(inner));
        }
      } else if (key.startsWith('$')) {
        parts.push(inexact(mode));
      } else {
        parts.push(this.field(this.target(key, root), value, mode));
      }
    }
    return all(parts);
  }

  private target(field: string, root: string | undefined): Target {
    if (root === undefined) {
      const column = this.ctx.column(field);
      if (column.kind === 'text')
        return { kind: 'text', value: column.sql, parentsAreObjects: null };
      return this.path(column.sql, field.split('.'), false);
    }
    // Inside $elemMatch: the element itself may be anything.
    return this.path(root, field.split('.'), true);
  }

  /** Bound lazily: a condition that turns out constant binds no parameter. */
  private path(document: string, segments: string[], checkRoot: boolean): Target {
    const ctx = this.ctx;
    let value: string | undefined;
    let parents: string | null | undefined;
    return {
      kind: 'jsonb',
      get value() {
        return (value ??= `(${document} #> ${ctx.param(segments)}::text[])`);
      },
      get parentsAreObjects() {
        if (parents !== undefined) return parents;
        const prefixes: string[][] = [];
        for (let i = checkRoot ? 0 : 1; i < segments.length; i++)
          prefixes.push(segments.slice(0, i));
        parents =
          prefixes.length === 0
            ? null
            : all(
                prefixes.map((p) =>
                  never(`jsonb_typeof(${document} #> ${ctx.param(p)}::text[]) = 'object'`),
                ),
              );
        return parents;
      },
    };
  }

  /** One field's condition: a plain value (equality) or an object of operators. */
  private field(target: Target, condition: unknown, mode: Mode): string {
    let exact: string;
    if (isPlainObject(condition) && Object.keys(condition).some((k) => k.startsWith('$'))) {
      exact = all(
        Object.entries(condition).map(([op, value]) => this.operator(target, op, value, mode)),
      );
    } else {
      exact = this.eq(target, condition, mode);
    }
    if (exact === 'TRUE' || exact === 'FALSE' || target.parentsAreObjects === null) return exact;
    // A path through a non-object: CASL maps over arrays or stops; widen or narrow as a whole.
    return mode === 'superset'
      ? `(${not(target.parentsAreObjects)} OR ${exact})`
      : `(${target.parentsAreObjects} AND ${exact})`;
  }

  private operator(target: Target, op: string, value: unknown, mode: Mode): string {
    switch (op) {
      case '$eq':
        return this.eq(target, value, mode);
      case '$ne':
        return not(this.eq(target, value, flip(mode)));
      case '$in':
        return this.within(target, value, mode);
      case '$nin':
        return not(this.within(target, value, flip(mode)));
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return this.compare(target, op, value, mode);
      case '$exists':
        if (typeof value !== 'boolean') return inexact(mode);
        return value ? `(${target.value} IS NOT NULL)` : `(${target.value} IS NULL)`;
      case '$size':
        if (target.kind === 'text') return 'FALSE';
        if (typeof value !== 'number' || !Number.isInteger(value)) return inexact(mode);
        return never(
          `jsonb_typeof(${target.value}) = 'array' AND jsonb_array_length(${target.value}) = ${this.ctx.param(value)}::int`,
        );
      case '$all':
        if (target.kind === 'text') return 'FALSE';
        if (!Array.isArray(value) || !value.every((v) => v === null || isScalar(v)))
          return inexact(mode);
        return never(
          `jsonb_typeof(${target.value}) = 'array' AND ${target.value} @> ${this.json(value)}`,
        );
      case '$elemMatch': {
        if (target.kind === 'text') return 'FALSE';
        if (!isPlainObject(value) || Object.keys(value).some((k) => k.startsWith('$')))
          return inexact(mode);
        const element = this.conditions(value, mode, 'e.v');
        return never(
          `jsonb_typeof(${target.value}) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(${target.value}) AS e(v) WHERE ${element})`,
        );
      }
      default:
        return inexact(mode);
    }
  }

  private json(value: unknown): string {
    return `${this.ctx.param(JSON.stringify(value))}::jsonb`;
  }

  /** ucast `eq`: null matches missing or null (or an array holding null); a scalar its equal. */
  private eq(target: Target, value: unknown, mode: Mode): string {
    if (target.kind === 'text') {
      if (value === null) return `(${target.value} IS NULL)`;
      if (typeof value === 'string') return never(`${target.value} = ${this.ctx.param(value)}`);
      // A text column holds strings only: a number, boolean or object never equals it.
      return isScalar(value) ? 'FALSE' : inexact(mode);
    }
    if (value === null) return never(`${target.value} IS NULL OR ${target.value} @> 'null'::jsonb`);
    // jsonb `@>` with a scalar: an equal scalar or an array holding it, as ucast's eq.
    if (isScalar(value)) return never(`${target.value} @> ${this.json(value)}`);
    return inexact(mode);
  }

  /** ucast `within` ($in): the value, or an element of it, is one of the list (=== only). */
  private within(target: Target, list: unknown, mode: Mode): string {
    if (!Array.isArray(list)) return inexact(mode);
    const parts: string[] = [];
    for (const item of list) {
      if (target.kind === 'text') {
        if (typeof item === 'string')
          parts.push(never(`${target.value} = ${this.ctx.param(item)}`));
        else if (!isScalar(item) && item !== null) parts.push(inexact(mode));
        // A missing field is undefined, which is not null (===): a text column's NULL never matches.
      } else if (item === null || isScalar(item)) {
        parts.push(never(`${target.value} @> ${this.json(item)}`));
      } else {
        parts.push(inexact(mode));
      }
    }
    return any(parts);
  }

  /**
   * ucast's comparisons on JavaScript's `compare`: same-typed numbers or strings compare exactly
   * (strings by code point, "C" collation); other pairs coerce in JavaScript and are widened or
   * narrowed. A missing value: `$lt`/`$lte` hold, `$gt`/`$gte` do not. Arrays: any element.
   */
  private compare(target: Target, op: string, value: unknown, mode: Mode): string {
    const sqlOp = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op]!;
    const missing = op === '$lt' || op === '$lte' ? 'TRUE' : 'FALSE';
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value)))
      return inexact(mode);
    if (target.kind === 'text') {
      if (typeof value !== 'string') return inexact(mode);
      return `(CASE WHEN ${target.value} IS NULL THEN ${missing} ELSE ${never(
        `${target.value} COLLATE "C" ${sqlOp} ${this.ctx.param(value)}::text COLLATE "C"`,
      )} END)`;
    }
    const scalar = (x: string): string => {
      const typed =
        typeof value === 'number'
          ? `(${x})::numeric ${sqlOp} ${this.ctx.param(value)}::numeric`
          : `(${x} #>> '{}') COLLATE "C" ${sqlOp} ${this.ctx.param(value)}::text COLLATE "C"`;
      return `CASE WHEN jsonb_typeof(${x}) = '${typeof value}' THEN ${never(typed)} ELSE ${inexact(mode)} END`;
    };
    return `(CASE WHEN ${target.value} IS NULL THEN ${missing} WHEN jsonb_typeof(${target.value}) = 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements(${target.value}) AS c(v) WHERE ${scalar('c.v')}) ELSE ${scalar(target.value)} END)`;
  }
}

/**
 * The SQL for `allowedQuery(ability, action, type)` (policy.ts): `null` (nothing allowed) is
 * FALSE, `{}` (everything) TRUE, and `{ $or, $and, $nor }` the rules. A superset of CASL's answer; exact for the operators and shapes documented above.
 */
export function toSqlFilter(query: Record<string, unknown> | null, ctx: SqlFilterContext): string {
  if (query === null) return 'FALSE';
  return new Translator(ctx).conditions(query, 'superset');
}
