import { isDateTime } from './attributes.js';
import { invalidFilter } from './errors.js';
import {
  formatAttributePath,
  type AttributePath,
  type CompareOperator,
  type FilterNode,
  type FilterValue,
} from './filter.js';
import { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA } from './schemas.js';
import { CORE_URN_PREFIX } from './urns.js';

export type SqlScalarType = 'string' | 'boolean' | 'dateTime' | 'integer';

export type SqlAttribute =
  | {
      kind: 'column';
      sql: string;
      type: SqlScalarType | 'reference';
      caseExact: boolean;
      /** A uuid column: a value that is no uuid matches nothing instead of failing the query. */
      uuid?: boolean;
    }
  | {
      kind: 'jsonArray';
      /** A jsonb expression holding an array of objects (or NULL), e.g. m.scim->'emails'. */
      sql: string;
      /**
       * Keys are lower-case sub-attribute names. `name` is the JSON key as stored when it is
       * not the schema's spelling (the schemas give 'streetAddress' for 'streetaddress').
       */
      subAttributes: Record<string, { type: SqlScalarType; caseExact: boolean; name?: string }>;
      /** The sub-attribute meant by `emails eq "x"` (usually 'value'). */
      defaultSub?: string;
    }
  | {
      kind: 'json';
      /** A jsonb expression for a scalar, e.g. m.scim #> '{enterprise,department}'. */
      sql: string;
      type: SqlScalarType;
      caseExact: boolean;
    };

/**
 * Keys: lower-case attribute paths, without a URN for core attributes ('username',
 * 'name.givenname', 'emails', 'meta.lastmodified', 'id', 'externalid') and with the full
 * lower-case URN for extension attributes
 * ('urn:ietf:params:scim:schemas:extension:enterprise:2.0:user:department').
 */
export type SqlAttributeMap = Record<string, SqlAttribute>;

/** A scalar to compare: its SQL in native type (columns) or as jsonb (json values). */
interface Operand {
  type: SqlScalarType;
  caseExact: boolean;
  /** Native SQL expression (a column), or undefined for a jsonb scalar. */
  native?: string;
  /** jsonb expression for the scalar (json values and array elements). */
  jsonb?: string;
  /** Text form of the scalar. */
  text: string;
  uuid?: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPARISON: Record<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le', string> = {
  eq: '=',
  ne: 'IS DISTINCT FROM',
  gt: '>',
  ge: '>=',
  lt: '<',
  le: '<=',
};

class Translator {
  readonly params: unknown[] = [];
  private aliases = 0;

  constructor(
    private readonly attributes: SqlAttributeMap,
    private readonly firstParam: number,
  ) {}

  private param(value: unknown): string {
    this.params.push(value);
    return `$${this.firstParam + this.params.length - 1}`;
  }

  translate(node: FilterNode): string {
    switch (node.kind) {
      case 'logical':
        return `(${node.filters.map((f) => this.translate(f)).join(node.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        // COALESCE: NOT of an unknown (NULL) comparison must still select the row.
        return `NOT COALESCE(${this.translate(node.filter)}, false)`;
      case 'present':
      case 'compare':
        return this.translateAttribute(node);
      case 'valuePath':
        return this.translateValuePath(node.attrPath, node.filter);
    }
  }

  private translateAttribute(node: Extract<FilterNode, { kind: 'present' | 'compare' }>): string {
    const target = resolve(this.attributes, node.attrPath);
    if (target.kind === 'scalar') return this.condition(target.operand, node, node.attrPath);
    if (node.kind === 'present' && target.sub === undefined)
      return `COALESCE(jsonb_array_length(${target.array.sql}), 0) > 0`;
    // `emails eq "x"` compares the default sub-attribute: `emails.value eq "x"`.
    const sub = target.sub ?? target.array.defaultSub;
    if (sub === undefined)
      throw invalidFilter(`'${formatAttributePath(node.attrPath)}' needs a sub-attribute`);
    // A multi-valued attribute matches when one element does; `ne` means no element equals.
    const negate = node.kind === 'compare' && node.op === 'ne';
    const element = negate ? { ...node, op: 'eq' as const } : node;
    const exists = this.exists(target.array.sql, (alias) =>
      this.condition(
        elementOperand(target.array, sub, alias, node.attrPath),
        element,
        node.attrPath,
      ),
    );
    return negate ? `NOT ${exists}` : exists;
  }

  private translateValuePath(attrPath: AttributePath, filter: FilterNode): string {
    const target = resolve(this.attributes, attrPath);
    if (target.kind !== 'array' || target.sub !== undefined)
      throw invalidFilter(`'${formatAttributePath(attrPath)}' is not a multi-valued attribute`);
    return this.exists(target.array.sql, (alias) =>
      this.translateElement(filter, target.array, alias),
    );
  }

  /** A filter inside `[...]`: attribute names are sub-attributes of one element. */
  private translateElement(node: FilterNode, array: ArrayAttribute, alias: string): string {
    switch (node.kind) {
      case 'logical':
        return `(${node.filters.map((f) => this.translateElement(f, array, alias)).join(node.op === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `NOT COALESCE(${this.translateElement(node.filter, array, alias)}, false)`;
      case 'present':
      case 'compare':
        return this.condition(
          elementOperand(array, node.attrPath.name, alias, node.attrPath),
          node,
          node.attrPath,
        );
      case 'valuePath':
        throw invalidFilter(`Nested value filter on '${formatAttributePath(node.attrPath)}'`);
    }
  }

  private exists(arraySql: string, where: (alias: string) => string): string {
    const alias = `e${++this.aliases}`;
    return `EXISTS (SELECT 1 FROM jsonb_array_elements(${arraySql}) AS ${alias} WHERE ${where(alias)})`;
  }

  private condition(
    operand: Operand,
    node: Extract<FilterNode, { kind: 'present' | 'compare' }>,
    attrPath: AttributePath,
  ): string {
    if (node.kind === 'present') return present(operand);
    // `eq null` is "not present" and `ne null` is "present" (RFC 7643 §2.5: null = unassigned).
    if (node.value === null) {
      if (node.op === 'eq') return `NOT ${present(operand)}`;
      if (node.op === 'ne') return present(operand);
      throw invalidFilter(`'${node.op}' cannot compare with null`);
    }
    const name = formatAttributePath(attrPath);
    switch (operand.type) {
      case 'boolean':
        return this.compareBoolean(operand, node.op, booleanValue(node.value, name), name);
      case 'dateTime':
        return this.compareOrdered(operand, node, name, 'timestamptz');
      case 'integer':
        return this.compareOrdered(operand, node, name, 'numeric');
      case 'string':
        return this.compareString(operand, node.op, stringValue(node.value, name));
    }
  }

  private compareBoolean(operand: Operand, op: CompareOperator, value: boolean, name: string) {
    if (op !== 'eq' && op !== 'ne')
      throw invalidFilter(`'${op}' cannot compare the boolean '${name}'`);
    // A jsonb scalar is compared as jsonb so that a stray non-boolean never breaks a cast.
    const left = operand.native ?? operand.jsonb;
    const right = operand.native ? this.param(value) : `to_jsonb(${this.param(value)}::boolean)`;
    return `${left} ${COMPARISON[op]} ${right}`;
  }

  /** dateTime compares chronologically, integers numerically; neither takes co/sw/ew. */
  private compareOrdered(
    operand: Operand,
    node: { op: CompareOperator; value: FilterValue },
    name: string,
    sqlType: 'timestamptz' | 'numeric',
  ): string {
    const { op } = node;
    if (op === 'co' || op === 'sw' || op === 'ew')
      throw invalidFilter(`'${op}' applies to strings only, not to '${name}'`);
    const left = operand.native ?? `(${operand.text})::${sqlType}`;
    if (sqlType === 'numeric')
      return `${left} ${COMPARISON[op]} ${this.param(integerValue(node.value, name))}`;
    return `${left} ${COMPARISON[op]} ${this.param(dateTimeValue(node.value, name))}::timestamptz`;
  }

  private compareString(operand: Operand, op: CompareOperator, value: string): string {
    if (operand.uuid && (op === 'eq' || op === 'ne')) {
      // A uuid column compared with a non-uuid would fail the whole query: no row can match it.
      if (!UUID.test(value)) return op === 'eq' ? 'false' : 'true';
      return `${operand.text} ${COMPARISON[op]} ${this.param(value)}`;
    }
    const column = operand.uuid ? `${operand.text}::text` : operand.text;
    const fold = (sql: string) => (operand.caseExact ? sql : `lower(${sql})`);
    if (op === 'co' || op === 'sw' || op === 'ew') {
      const escaped = value.replace(/[\\%_]/g, '\\$&');
      const pattern = op === 'sw' ? `${escaped}%` : op === 'ew' ? `%${escaped}` : `%${escaped}%`;
      return `${fold(column)} LIKE ${fold(this.param(pattern))} ESCAPE '\\'`;
    }
    return `${fold(column)} ${COMPARISON[op]} ${fold(this.param(value))}`;
  }
}

function present(operand: Operand): string {
  const value = operand.native ?? operand.text;
  if (operand.type === 'string')
    return `(${value} IS NOT NULL AND ${value}${operand.uuid ? '::text' : ''} <> '')`;
  return `${value} IS NOT NULL`;
}

type ArrayAttribute = Extract<SqlAttribute, { kind: 'jsonArray' }>;
type Resolved =
  { kind: 'scalar'; operand: Operand } | { kind: 'array'; array: ArrayAttribute; sub?: string };

/** Finds an attribute path in the map: exact key first, then a sub-attribute of a JSON array. */
function resolve(attributes: SqlAttributeMap, attrPath: AttributePath): Resolved {
  const uri = attrPath.uri?.toLowerCase();
  const base = `${uri === undefined || `${uri}:`.startsWith(CORE_URN_PREFIX) ? '' : `${uri}:`}${attrPath.name.toLowerCase()}`;
  const sub = attrPath.subAttr?.toLowerCase();
  const exact = lookup(attributes, sub === undefined ? base : `${base}.${sub}`);
  if (exact?.kind === 'column')
    return {
      kind: 'scalar',
      operand: {
        type: exact.type === 'reference' ? 'string' : exact.type,
        caseExact: exact.caseExact,
        native: exact.sql,
        text: exact.sql,
        ...(exact.uuid && { uuid: true }),
      },
    };
  if (exact?.kind === 'json')
    return {
      kind: 'scalar',
      operand: {
        type: exact.type,
        caseExact: exact.caseExact,
        jsonb: exact.sql,
        text: `(${exact.sql} #>> '{}')`,
      },
    };
  if (exact?.kind === 'jsonArray') return { kind: 'array', array: exact };
  const array = sub === undefined ? undefined : lookup(attributes, base);
  if (array?.kind === 'jsonArray') return { kind: 'array', array, sub };
  throw invalidFilter(`Unknown or unsupported filter attribute '${formatAttributePath(attrPath)}'`);
}

// Own properties only: a filter naming `constructor` must not find Object.prototype's.
function lookup(attributes: SqlAttributeMap, key: string): SqlAttribute | undefined {
  return Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : undefined;
}

function elementOperand(
  array: ArrayAttribute,
  sub: string,
  alias: string,
  attrPath: AttributePath,
): Operand {
  const key = sub.toLowerCase();
  const definition = Object.prototype.hasOwnProperty.call(array.subAttributes, key)
    ? array.subAttributes[key]
    : undefined;
  if (!definition)
    throw invalidFilter(
      `Unknown or unsupported filter attribute '${formatAttributePath(attrPath)}'`,
    );
  // The filter only chooses among the map's keys, and the stored JSON key is that key's schema
  // spelling (or the map's own `name`): no text from the filter reaches the SQL.
  const jsonKey = quoteLiteral(definition.name ?? SUB_ATTRIBUTE_NAMES.get(key) ?? key);
  return {
    type: definition.type,
    caseExact: definition.caseExact,
    jsonb: `${alias}->${jsonKey}`,
    text: `${alias}->>${jsonKey}`,
  };
}

function quoteLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** Schema spelling of every sub-attribute name, by its lower-case form. */
const SUB_ATTRIBUTE_NAMES = new Map(
  [USER_SCHEMA, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, { attributes: COMMON_ATTRIBUTES }].flatMap(
    (schema) =>
      schema.attributes.flatMap((attribute) =>
        (attribute.subAttributes ?? []).map((sub) => [sub.name.toLowerCase(), sub.name] as const),
      ),
  ),
);

function booleanValue(value: FilterValue, name: string): boolean {
  if (typeof value === 'boolean') return value;
  // Entra sends booleans as strings elsewhere; "True"/"False" are accepted here too.
  if (typeof value === 'string' && /^(true|false)$/i.test(value))
    return value.toLowerCase() === 'true';
  throw invalidFilter(`'${name}' is a boolean: ${JSON.stringify(value)} is not`);
}

function integerValue(value: FilterValue, name: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw invalidFilter(`'${name}' is an integer: ${JSON.stringify(value)} is not`);
}

function stringValue(value: FilterValue, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  throw invalidFilter(`'${name}' is a string: ${JSON.stringify(value)} is not`);
}

function dateTimeValue(value: FilterValue, name: string): string {
  if (typeof value === 'string' && isDateTime(value)) return value;
  throw invalidFilter(`'${name}' is a dateTime: ${JSON.stringify(value)} is not`);
}

/**
 * Translates a filter to a parameterized SQL condition ($n placeholders from firstParam). Values
 * only ever travel as parameters; attribute SQL comes only from the map. Unknown attributes and
 * values of the wrong type are ScimError 400 invalidFilter.
 *
 * Semantics beyond RFC 7644's letter: a multi-valued attribute matches when one element does,
 * except `ne`, which means no element equals; `x eq null` means x is absent (`ne null`: present);
 * `not (...)` also selects rows where the inner comparison is unknown (NULL). The result is safe
 * to AND with other conditions: compound expressions come parenthesised.
 */
export function filterToSql(
  filter: FilterNode,
  attributes: SqlAttributeMap,
  firstParam = 1,
): { sql: string; params: unknown[] } {
  const translator = new Translator(attributes, firstParam);
  const sql = translator.translate(filter);
  return { sql, params: translator.params };
}
