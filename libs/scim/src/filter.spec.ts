import { compileElementFilter } from './element-filter.js';
import { ScimError } from './errors.js';
import { parseFilter, parsePath, type FilterNode } from './filter.js';
import { USER_SCHEMA } from './schemas.js';

const eq = (name: string, value: unknown, extra: object = {}) => ({
  kind: 'compare',
  op: 'eq',
  attrPath: { name, ...extra },
  value,
});

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter', () => {
  it('reads a comparison', () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual(eq('userName', 'bjensen'));
  });

  it.each(['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le', 'EQ', 'Sw'])(
    'reads the operator %s',
    (op) => {
      expect(parseFilter(`title ${op} "x"`)).toMatchObject({ op: op.toLowerCase() });
    },
  );

  it('reads pr', () => {
    expect(parseFilter('title pr')).toEqual({ kind: 'present', attrPath: { name: 'title' } });
  });

  it.each([
    ['"a \\"quoted\\" word"', 'a "quoted" word'],
    ['"back\\\\slash"', 'back\\slash'],
    ['"\\u00e9t\\u00e9"', 'été'],
    ['""', ''],
    ['true', true],
    ['False', false],
    ['null', null],
    ['42', 42],
    ['-1.5e2', -150],
    ['bjensen', 'bjensen'],
    ['2015-10-10T14:38:21.8617979-07:00', '2015-10-10T14:38:21.8617979-07:00'],
  ])('reads the value %s', (text, value) => {
    expect(parseFilter(`x eq ${text}`)).toEqual(eq('x', value));
  });

  it('binds and tighter than or', () => {
    expect(parseFilter('a eq 1 or b eq 2 and c eq 3')).toEqual({
      kind: 'logical',
      op: 'or',
      filters: [eq('a', 1), { kind: 'logical', op: 'and', filters: [eq('b', 2), eq('c', 3)] }],
    });
  });

  it('keeps a chain of one operator flat', () => {
    const filter = parseFilter('a eq 1 and b eq 2 AND c eq 3');
    expect(filter).toMatchObject({ kind: 'logical', op: 'and' });
    expect((filter as { filters: FilterNode[] }).filters).toHaveLength(3);
  });

  it('groups with parentheses and negates with not', () => {
    expect(parseFilter('not (a eq 1 or b eq 2) and (c pr)')).toEqual({
      kind: 'logical',
      op: 'and',
      filters: [
        {
          kind: 'not',
          filter: { kind: 'logical', op: 'or', filters: [eq('a', 1), eq('b', 2)] },
        },
        { kind: 'present', attrPath: { name: 'c' } },
      ],
    });
  });

  it('reads a value path', () => {
    expect(parseFilter('emails[type eq "work" and primary eq true]')).toEqual({
      kind: 'valuePath',
      attrPath: { name: 'emails' },
      filter: { kind: 'logical', op: 'and', filters: [eq('type', 'work'), eq('primary', true)] },
    });
  });

  it('keeps a value path and its sub-attribute condition on the same element', () => {
    expect(parseFilter('emails[type eq "work"].value eq "x"')).toEqual({
      kind: 'valuePath',
      attrPath: { name: 'emails' },
      filter: { kind: 'logical', op: 'and', filters: [eq('type', 'work'), eq('value', 'x')] },
    });
  });

  // docs/decisions/001-own-scim-filter-parser.md: why the parser is ours. scim2-parse-filter
  // reads this filter as `emails[type eq "work"] and emails.value eq "x"`, two conditions any two
  // elements may meet; RFC 7644 §3.4.2.2 means one element meeting both.
  it('binds both conditions of `emails[type eq "work"].value eq "x"` to one element', () => {
    const filter = parseFilter('emails[type eq "work"].value eq "x"');
    if (filter.kind !== 'valuePath') throw new Error(`one value-path node, got ${filter.kind}`);
    expect(filter.attrPath).toEqual({ name: 'emails' });
    const emails = USER_SCHEMA.attributes.find((a) => a.name === 'emails');
    if (!emails) throw new Error('the User schema has emails');
    const sameElement = compileElementFilter(filter.filter, emails);
    if (!sameElement) throw new Error('the value filter names sub-attributes of emails');
    // a work address "y" and a home address "x": each condition holds for some element, both
    // for none, so this user does not match
    const elements = [
      { type: 'work', value: 'y' },
      { type: 'home', value: 'x' },
    ];
    // the split reading: each condition on its own, met by any element
    const each = (filter.filter as { filters: FilterNode[] }).filters.map((f) =>
      elements.some((e) => compileElementFilter(f, emails)?.(e) === true),
    );
    expect(each).toEqual([true, true]);
    expect(elements.some(sameElement)).toBe(false);
    expect([{ type: 'work', value: 'X' }].some(sameElement)).toBe(true);
  });

  it('reads schema-qualified and dotted attribute paths', () => {
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"')).toEqual(
      eq('userName', 'a', { uri: 'urn:ietf:params:scim:schemas:core:2.0:User' }),
    );
    expect(
      parseFilter(
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "m"',
      ),
    ).toEqual(
      eq('manager', 'm', {
        uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
        subAttr: 'value',
      }),
    );
    expect(parseFilter('name.givenName eq "B"')).toEqual(eq('name', 'B', { subAttr: 'givenName' }));
  });

  it('reads the filters of Microsoft’s reference tests', () => {
    expect(
      parseFilter(
        'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      ),
    ).toMatchObject({ kind: 'logical', op: 'and' });
    expect(parseFilter('DisplayName eq "BobIsAmazing"')).toEqual(eq('DisplayName', 'BobIsAmazing'));
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['userName', 'Expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) but found the end'],
    ['userName eq', 'Expected a value but found the end of the filter'],
    ['userName foo "x"', "found 'foo' at position 10"],
    ['userName eq "x" and', 'Expected an attribute name but found the end of the filter'],
    [
      'userName eq "x" userName eq "y"',
      "Expected the end of the filter but found 'userName' at position 17",
    ],
    ['(userName eq "x"', "Expected ')' but found the end of the filter"],
    ['userName eq "x")', "found ')' at position 16"],
    ['userName eq "x', 'Unterminated string starting at position 13'],
    ['userName eq "\\q"', 'Invalid escape or control character in the string at position 13'],
    ['emails[type eq "work"', "Expected ']'"],
    ['emails[type eq "work"]]', "found ']' at position 23"],
    ['emails[addresses[type eq "x"]]', "Nested '['"],
    ['emails[a.b eq "x"]', 'Expected a sub-attribute name'],
    ['name.givenName[type eq "x"]', 'cannot take'],
    ['not userName eq "x"', "Expected '(' after 'not'"],
    ['userName eq and', "Expected a value but found 'and'"],
    ['1abc eq "x"', "Invalid attribute name '1abc'"],
    ['a.b.c eq "x"', "Invalid attribute name 'a.b.c'"],
    ['"x" eq "x"', 'Expected an attribute name but found "x"'],
    ['userName eq ()', "Expected a value but found '('"],
    ['emails[type eq "w"].1 eq "x"', 'Invalid sub-attribute'],
  ])('refuses %p with a useful detail', (text, detail) => {
    const error = scimError(() => parseFilter(text));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(error.detail).toContain(detail);
  });

  it('refuses input longer than 4096 characters', () => {
    const text = `userName eq "${'a'.repeat(4100)}"`;
    expect(scimError(() => parseFilter(text)).detail).toContain('longer than 4096');
  });

  it('accepts 50 levels of nesting and refuses 51', () => {
    const nested = (depth: number) => `${'('.repeat(depth)}a eq 1${')'.repeat(depth)}`;
    expect(parseFilter(nested(50))).toEqual(eq('a', 1));
    expect(scimError(() => parseFilter(nested(51))).detail).toContain('deeper than 50');
  });

  it('refuses 1,000-deep nesting quickly, whatever its shape', () => {
    const started = Date.now();
    for (const text of [
      `${'('.repeat(1000)}a eq 1${')'.repeat(1000)}`,
      `${'not ('.repeat(1000)}a eq 1${')'.repeat(1000)}`,
      '('.repeat(4000),
      `${'emails['.repeat(1000)}`,
    ])
      expect(scimError(() => parseFilter(text)).scimType).toBe('invalidFilter');
    expect(Date.now() - started).toBeLessThan(200);
  });

  it.each([null, undefined, 42, {}, []])('refuses the non-string %p', (input) => {
    expect(scimError(() => parseFilter(input as string)).scimType).toBe('invalidFilter');
  });
});

describe('parsePath', () => {
  it.each([
    ['userName', { attrPath: { name: 'userName' } }],
    ['name.givenName', { attrPath: { name: 'name', subAttr: 'givenName' } }],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager',
      {
        attrPath: {
          uri: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
          name: 'manager',
        },
      },
    ],
    ['members[value eq "id-1"]', { attrPath: { name: 'members' }, filter: eq('value', 'id-1') }],
    [
      'emails[type eq "work"].value',
      { attrPath: { name: 'emails' }, filter: eq('type', 'work'), subAttr: 'value' },
    ],
  ])('reads %s', (text, path) => {
    expect(parsePath(text)).toEqual(path);
  });

  it.each([
    '',
    'emails[type eq "work"',
    'emails[type eq "work"] extra',
    'emails type',
    'a.b.c',
    'name.givenName[type eq "x"]',
    'emails[type zz "work"]',
    '(userName)',
    'emails[type eq "work"].',
  ])('refuses %p as invalidPath', (text) => {
    expect(scimError(() => parsePath(text))).toMatchObject({
      status: 400,
      scimType: 'invalidPath',
    });
  });
});
