import { invalidFilter, ScimError } from './errors.js';

// A hand-written recursive-descent parser for the RFC 7644 §3.4.2.2 grammar rather than
// scim2-parse-filter: that package splits `emails[type eq "work"].value eq "x"` into two
// independent conditions (losing "the same element"), and its errors name neither the position
// nor the token (docs/decisions/001-own-scim-filter-parser.md). Nesting is bounded (MAX_DEPTH)
// so hostile input fails fast, never overflowing the stack.

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 50;

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type FilterValue = string | number | boolean | null;

/** `[uri:]name[.subAttr]` as written (not case-folded): resolution is case-insensitive. */
export interface AttributePath {
  uri?: string;
  name: string;
  subAttr?: string;
}

/**
 * The filter AST. A value path `emails[type eq "work"].value eq "x"` becomes one `valuePath`
 * node whose filter is `type eq "work" and value eq "x"`: both conditions on the same element.
 * Inside a value path, attribute paths name sub-attributes of the element.
 */
export type FilterNode =
  | { kind: 'logical'; op: 'and' | 'or'; filters: FilterNode[] }
  | { kind: 'not'; filter: FilterNode }
  | { kind: 'compare'; op: CompareOperator; attrPath: AttributePath; value: FilterValue }
  | { kind: 'present'; attrPath: AttributePath }
  | { kind: 'valuePath'; attrPath: AttributePath; filter: FilterNode };

/** A PATCH path (RFC 7644 §3.5.2): `attrPath`, `attrPath[valFilter]` or `attrPath[valFilter].sub`. */
export interface PatchPath {
  attrPath: AttributePath;
  filter?: FilterNode;
  subAttr?: string;
}

const COMPARE_OPERATORS = new Set(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le']);
const ATTR_NAME = /^[A-Za-z$][\w$-]*$/;
const URI = /^urn:[\w.:-]+$/i;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

type Token =
  | { type: '(' | ')' | '[' | ']' | 'end'; pos: number }
  | { type: 'string'; pos: number; value: string }
  | { type: 'word'; pos: number; value: string };

/** Splits on whitespace, brackets and strings; anything else is a word, classified by the parser. */
function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) i++;
    else if (c === '(' || c === ')' || c === '[' || c === ']') tokens.push({ type: c, pos: i++ });
    else if (c === '"') {
      const end = stringEnd(text, i);
      tokens.push({ type: 'string', pos: i, value: decodeString(text.slice(i, end), i) });
      i = end;
    } else {
      const start = i;
      while (i < text.length && !/[\s()[\]"]/.test(text[i] as string)) i++;
      tokens.push({ type: 'word', pos: start, value: text.slice(start, i) });
    }
  }
  tokens.push({ type: 'end', pos: text.length });
  return tokens;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  throw invalidFilter(`Unterminated string starting at position ${start + 1}`);
}

// Strings are JSON strings (RFC 7644 §3.4.2.2): JSON.parse applies exactly those escapes.
function decodeString(literal: string, pos: number): string {
  try {
    return JSON.parse(literal) as string;
  } catch {
    throw invalidFilter(`Invalid escape or control character in the string at position ${pos + 1}`);
  }
}

function describe(token: Token): string {
  if (token.type === 'end') return 'the end of the filter';
  const shown =
    token.type === 'string'
      ? JSON.stringify(token.value)
      : `'${token.type === 'word' ? token.value : token.type}'`;
  return `${shown.length > 40 ? `${shown.slice(0, 40)}…` : shown} at position ${token.pos + 1}`;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.type !== 'end') this.index++;
    return token;
  }

  private isWord(...words: string[]): boolean {
    const token = this.peek();
    return token.type === 'word' && words.includes(token.value.toLowerCase());
  }

  private expect(type: ')' | ']' | 'end', what: string): void {
    const token = this.next();
    if (token.type !== type) throw invalidFilter(`Expected ${what} but found ${describe(token)}`);
  }

  private enter(pos: number): void {
    if (++this.depth > MAX_FILTER_DEPTH)
      throw invalidFilter(
        `Filter nested deeper than ${MAX_FILTER_DEPTH} levels at position ${pos + 1}`,
      );
  }

  /** filter = or-expression; `and` binds tighter than `or`. */
  parseFilter(inValuePath: boolean): FilterNode {
    return this.parseLogical('or', () =>
      this.parseLogical('and', () => this.parseFactor(inValuePath)),
    );
  }

  private parseLogical(op: 'and' | 'or', operand: () => FilterNode): FilterNode {
    const filters = [operand()];
    while (this.isWord(op)) {
      this.next();
      filters.push(operand());
    }
    return filters.length === 1 ? (filters[0] as FilterNode) : { kind: 'logical', op, filters };
  }

  private parseFactor(inValuePath: boolean): FilterNode {
    const token = this.peek();
    if (this.isWord('not')) {
      this.next();
      const open = this.next();
      if (open.type !== '(')
        throw invalidFilter(`Expected '(' after 'not' but found ${describe(open)}`);
      return { kind: 'not', filter: this.parseGroup(open.pos, inValuePath) };
    }
    if (token.type === '(') return this.parseGroup(this.next().pos, inValuePath);
    return this.parseAttributeExpression(inValuePath);
  }

  private parseGroup(pos: number, inValuePath: boolean): FilterNode {
    this.enter(pos);
    const filter = this.parseFilter(inValuePath);
    this.expect(')', "')'");
    this.depth--;
    return filter;
  }

  private parseAttributeExpression(inValuePath: boolean): FilterNode {
    const token = this.next();
    const attrPath = toAttributePath(token);
    if (inValuePath && (attrPath.uri !== undefined || attrPath.subAttr !== undefined))
      throw invalidFilter(
        `Expected a sub-attribute name inside '[...]' but found ${describe(token)}`,
      );
    if (this.peek().type === '[') {
      if (inValuePath) throw invalidFilter(`Nested '[' at position ${this.peek().pos + 1}`);
      return this.parseValuePath(attrPath);
    }
    return this.parseCondition(attrPath);
  }

  /** `attr[filter]` alone, or `attr[filter].sub op value`: one element meets both. */
  private parseValuePath(attrPath: AttributePath): FilterNode {
    if (attrPath.subAttr !== undefined)
      throw invalidFilter(`'${attrPath.name}.${attrPath.subAttr}' cannot take a '[...]' filter`);
    const { filter, subAttr } = this.parseBracketFilter();
    if (subAttr === undefined) return { kind: 'valuePath', attrPath, filter };
    const condition = this.parseCondition({ name: subAttr });
    return { kind: 'valuePath', attrPath, filter: and(filter, condition) };
  }

  /** Reads `[valFilter]` and an optional `.subAttr` written right after the `]`. */
  parseBracketFilter(): { filter: FilterNode; subAttr?: string } {
    const open = this.next();
    this.enter(open.pos);
    const filter = this.parseFilter(true);
    const close = this.peek();
    this.expect(']', "']'");
    this.depth--;
    const after = this.peek();
    if (after.type !== 'word' || !after.value.startsWith('.') || after.pos !== close.pos + 1)
      return { filter };
    this.next();
    const subAttr = after.value.slice(1);
    if (!ATTR_NAME.test(subAttr)) throw invalidFilter(`Invalid sub-attribute ${describe(after)}`);
    return { filter, subAttr };
  }

  private parseCondition(attrPath: AttributePath): FilterNode {
    const operator = this.next();
    const op = operator.type === 'word' ? operator.value.toLowerCase() : '';
    if (op === 'pr') return { kind: 'present', attrPath };
    if (!COMPARE_OPERATORS.has(op))
      throw invalidFilter(
        `Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) but found ${describe(operator)}`,
      );
    return { kind: 'compare', op: op as CompareOperator, attrPath, value: this.parseValue() };
  }

  private parseValue(): FilterValue {
    const token = this.next();
    if (token.type === 'string') return token.value;
    if (token.type !== 'word' || ['and', 'or', 'not'].includes(token.value.toLowerCase()))
      throw invalidFilter(`Expected a value but found ${describe(token)}`);
    const word = token.value;
    const lower = word.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    if (lower === 'null') return null;
    if (NUMBER.test(word)) return Number(word);
    // Leniency: an unquoted word is taken as a string. Microsoft's SCIM reference tests send
    // `userName sw O` and `meta.created gt 2015-10-10T14:38:21.8617979-07:00`.
    return word;
  }

  atEnd(): boolean {
    return this.peek().type === 'end';
  }

  finish(): void {
    this.expect('end', 'the end of the filter');
  }
}

function and(left: FilterNode, right: FilterNode): FilterNode {
  return { kind: 'logical', op: 'and', filters: [left, right] };
}

function toAttributePath(token: Token): AttributePath {
  if (token.type !== 'word')
    throw invalidFilter(`Expected an attribute name but found ${describe(token)}`);
  const path = splitAttributePath(token.value);
  if (!path) throw invalidFilter(`Invalid attribute name ${describe(token)}`);
  return path;
}

/** `urn:...:User:name.givenName` → uri, name, subAttr; null when malformed. */
export function splitAttributePath(text: string): AttributePath | null {
  let rest = text;
  let uri: string | undefined;
  if (/^urn:/i.test(text)) {
    const colon = text.lastIndexOf(':');
    uri = text.slice(0, colon);
    rest = text.slice(colon + 1);
    if (!URI.test(uri)) return null;
  }
  const parts = rest.split('.');
  if (parts.length > 2 || !parts.every((part) => ATTR_NAME.test(part))) return null;
  const [name, subAttr] = parts as [string, string | undefined];
  return { ...(uri !== undefined && { uri }), name, ...(subAttr !== undefined && { subAttr }) };
}

function checkInput(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string') throw invalidFilter(`The ${what} must be a string`);
  if (text.trim() === '') throw invalidFilter(`The ${what} is empty`);
  if (text.length > MAX_FILTER_LENGTH)
    throw invalidFilter(`The ${what} is longer than ${MAX_FILTER_LENGTH} characters`);
}

/** Parses a SCIM filter; throws ScimError 400 invalidFilter naming the position and token. */
export function parseFilter(text: string): FilterNode {
  checkInput(text, 'filter');
  const parser = new Parser(tokenize(text));
  const filter = parser.parseFilter(false);
  parser.finish();
  return filter;
}

/** Parses a PATCH path; malformed paths are ScimError 400 invalidPath. */
export function parsePath(text: string): PatchPath {
  try {
    checkInput(text, 'path');
    const tokens = tokenize(text);
    const first = tokens[0] as Token;
    const parser = new Parser(tokens.slice(1));
    const attrPath = toAttributePath(first);
    if (parser.atEnd()) return { attrPath };
    if (attrPath.subAttr !== undefined || (tokens[1] as Token).type !== '[')
      throw invalidFilter(`Unexpected ${describe(tokens[1] as Token)}`);
    const { filter, subAttr } = parser.parseBracketFilter();
    parser.finish();
    return { attrPath, filter, ...(subAttr !== undefined && { subAttr }) };
  } catch (error) {
    if (error instanceof ScimError)
      throw new ScimError(400, 'invalidPath', `Invalid path: ${error.detail}`);
    throw error;
  }
}

/** The path as text, for error messages. */
export function formatAttributePath(path: AttributePath): string {
  return `${path.uri ? `${path.uri}:` : ''}${path.name}${path.subAttr ? `.${path.subAttr}` : ''}`;
}
