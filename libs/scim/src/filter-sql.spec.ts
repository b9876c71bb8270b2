import { ScimError } from './errors.js';
import { parseFilter } from './filter.js';
import { isDateTime } from './attributes.js';
import { filterToSql, type SqlAttributeMap } from './filter-sql.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:user';

const attributes: SqlAttributeMap = {
  id: { kind: 'column', sql: 'm.id', type: 'reference', caseExact: true, uuid: true },
  username: { kind: 'column', sql: 'm.username', type: 'string', caseExact: false },
  externalid: { kind: 'column', sql: 'm.external_id', type: 'string', caseExact: true },
  displayname: { kind: 'column', sql: 'm.display_name', type: 'string', caseExact: false },
  active: { kind: 'column', sql: 'm.active', type: 'boolean', caseExact: false },
  'meta.lastmodified': { kind: 'column', sql: 'm.updated_at', type: 'dateTime', caseExact: false },
  'meta.created': { kind: 'column', sql: 'm.created_at', type: 'dateTime', caseExact: false },
  'name.givenname': {
    kind: 'json',
    sql: `m.scim #> '{name,givenName}'`,
    type: 'string',
    caseExact: false,
  },
  'name.familyname': {
    kind: 'json',
    sql: `m.scim #> '{name,familyName}'`,
    type: 'string',
    caseExact: false,
  },
  loginCount: { kind: 'column', sql: 'm.login_count', type: 'integer', caseExact: false },
  logincount: { kind: 'column', sql: 'm.login_count', type: 'integer', caseExact: false },
  emails: {
    kind: 'jsonArray',
    sql: `m.scim->'emails'`,
    subAttributes: {
      value: { type: 'string', caseExact: false },
      type: { type: 'string', caseExact: false },
      primary: { type: 'boolean', caseExact: false },
    },
    defaultSub: 'value',
  },
  addresses: {
    kind: 'jsonArray',
    sql: `m.scim->'addresses'`,
    subAttributes: {
      streetaddress: { type: 'string', caseExact: false },
      type: { type: 'string', caseExact: false },
    },
  },
  [`${ENTERPRISE}:department`]: {
    kind: 'json',
    sql: `m.scim #> '{enterprise,department}'`,
    type: 'string',
    caseExact: false,
  },
  [`${ENTERPRISE}:manager.value`]: {
    kind: 'json',
    sql: `m.scim #> '{enterprise,manager,value}'`,
    type: 'string',
    caseExact: true,
  },
  'x.flag': { kind: 'json', sql: `m.scim #> '{x,flag}'`, type: 'boolean', caseExact: false },
  'x.count': { kind: 'json', sql: `m.scim #> '{x,count}'`, type: 'integer', caseExact: false },
  'x.at': { kind: 'json', sql: `m.scim #> '{x,at}'`, type: 'dateTime', caseExact: false },
};

const sql = (filter: string, first?: number) => filterToSql(parseFilter(filter), attributes, first);

function scimError(fn: () => unknown): ScimError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

const EMAILS = `jsonb_array_elements(m.scim->'emails')`;

describe('filterToSql', () => {
  it.each<[string, string, unknown[]]>([
    ['userName eq "Bjensen"', 'lower(m.username) = lower($1)', ['Bjensen']],
    ['USERNAME Eq "b"', 'lower(m.username) = lower($1)', ['b']],
    [
      'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "b"',
      'lower(m.username) = lower($1)',
      ['b'],
    ],
    ['externalId eq "E-1"', 'm.external_id = $1', ['E-1']],
    ['externalId ne "E-1"', 'm.external_id IS DISTINCT FROM $1', ['E-1']],
    ['userName ne "b"', 'lower(m.username) IS DISTINCT FROM lower($1)', ['b']],
    ['userName co "a%b"', `lower(m.username) LIKE lower($1) ESCAPE '\\'`, ['%a\\%b%']],
    ['userName sw "a_b"', `lower(m.username) LIKE lower($1) ESCAPE '\\'`, ['a\\_b%']],
    ['userName ew "a\\\\b"', `lower(m.username) LIKE lower($1) ESCAPE '\\'`, ['%a\\\\b']],
    ['externalId sw "E"', `m.external_id LIKE $1 ESCAPE '\\'`, ['E%']],
    ['userName gt "m"', 'lower(m.username) > lower($1)', ['m']],
    ['externalId le "m"', 'm.external_id <= $1', ['m']],
    ['userName pr', `(m.username IS NOT NULL AND m.username <> '')`, []],
    ['userName eq null', `NOT (m.username IS NOT NULL AND m.username <> '')`, []],
    ['userName ne null', `(m.username IS NOT NULL AND m.username <> '')`, []],
    ['active eq true', 'm.active = $1', [true]],
    ['active eq "False"', 'm.active = $1', [false]],
    ['active ne false', 'm.active IS DISTINCT FROM $1', [false]],
    ['active pr', 'm.active IS NOT NULL', []],
    [
      'meta.lastModified gt "2011-05-13T04:42:34Z"',
      'm.updated_at > $1::timestamptz',
      ['2011-05-13T04:42:34Z'],
    ],
    [
      'meta.Created gt 2015-10-10T14:38:21.8617979-07:00',
      'm.created_at > $1::timestamptz',
      ['2015-10-10T14:38:21.8617979-07:00'],
    ],
    ['meta.lastModified le "2020-02-29"', 'm.updated_at <= $1::timestamptz', ['2020-02-29']],
    ['loginCount ge 3', 'm.login_count >= $1', [3]],
    [
      'id eq "2819c223-7f76-453a-919d-413861904646"',
      'm.id = $1',
      ['2819c223-7f76-453a-919d-413861904646'],
    ],
    ['id eq "not-a-uuid"', 'false', []],
    ['id ne "not-a-uuid"', 'true', []],
    ['id sw "2819"', `m.id::text LIKE $1 ESCAPE '\\'`, ['2819%']],
    [
      'name.givenName eq "Barbara"',
      `lower((m.scim #> '{name,givenName}' #>> '{}')) = lower($1)`,
      ['Barbara'],
    ],
    [
      'name.givenName pr',
      `((m.scim #> '{name,givenName}' #>> '{}') IS NOT NULL AND (m.scim #> '{name,givenName}' #>> '{}') <> '')`,
      [],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "Sales"',
      `lower((m.scim #> '{enterprise,department}' #>> '{}')) = lower($1)`,
      ['Sales'],
    ],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "M1"',
      `(m.scim #> '{enterprise,manager,value}' #>> '{}') = $1`,
      ['M1'],
    ],
    ['x.flag eq true', `m.scim #> '{x,flag}' = to_jsonb($1::boolean)`, [true]],
    ['x.count lt 10', `((m.scim #> '{x,count}' #>> '{}'))::numeric < $1`, [10]],
    [
      'x.at ge "2024-01-01T00:00:00+01:00"',
      `((m.scim #> '{x,at}' #>> '{}'))::timestamptz >= $1::timestamptz`,
      ['2024-01-01T00:00:00+01:00'],
    ],
    [
      'emails.value eq "a@example.com"',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE lower(e1->>'value') = lower($1))`,
      ['a@example.com'],
    ],
    [
      'emails eq "a@example.com"',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE lower(e1->>'value') = lower($1))`,
      ['a@example.com'],
    ],
    [
      'emails.value ne "a@example.com"',
      `NOT EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE lower(e1->>'value') = lower($1))`,
      ['a@example.com'],
    ],
    [
      'emails.value pr',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE (e1->>'value' IS NOT NULL AND e1->>'value' <> ''))`,
      [],
    ],
    ['emails pr', `COALESCE(jsonb_array_length(m.scim->'emails'), 0) > 0`, []],
    [
      'emails[type eq "work"].value eq "x"',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE (lower(e1->>'type') = lower($1) AND lower(e1->>'value') = lower($2)))`,
      ['work', 'x'],
    ],
    [
      'emails[type eq "work" and primary eq true]',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE (lower(e1->>'type') = lower($1) AND e1->'primary' = to_jsonb($2::boolean)))`,
      ['work', true],
    ],
    [
      'emails[not (type eq "work")]',
      `EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE NOT COALESCE(lower(e1->>'type') = lower($1), false))`,
      ['work'],
    ],
    [
      'addresses[type eq "work"].streetAddress co "Main"',
      `EXISTS (SELECT 1 FROM jsonb_array_elements(m.scim->'addresses') AS e1 WHERE (lower(e1->>'type') = lower($1) AND lower(e1->>'streetAddress') LIKE lower($2) ESCAPE '\\'))`,
      ['work', '%Main%'],
    ],
    [
      'userName eq "a" and emails[type eq "work"] or emails.value co "b"',
      `((lower(m.username) = lower($1) AND EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE lower(e1->>'type') = lower($2))) OR EXISTS (SELECT 1 FROM ${EMAILS} AS e2 WHERE lower(e2->>'value') LIKE lower($3) ESCAPE '\\'))`,
      ['a', 'work', '%b%'],
    ],
    ['not (userName eq "a")', 'NOT COALESCE(lower(m.username) = lower($1), false)', ['a']],
    [
      'name.FamilyName eq Employee and (emails.Value co example.com or emails.Value co example.org)',
      `(lower((m.scim #> '{name,familyName}' #>> '{}')) = lower($1) AND (EXISTS (SELECT 1 FROM ${EMAILS} AS e1 WHERE lower(e1->>'value') LIKE lower($2) ESCAPE '\\') OR EXISTS (SELECT 1 FROM ${EMAILS} AS e2 WHERE lower(e2->>'value') LIKE lower($3) ESCAPE '\\')))`,
      ['Employee', '%example.com%', '%example.org%'],
    ],
  ])('%s', (filter, expected, params) => {
    expect(sql(filter)).toEqual({ sql: expected, params });
  });

  it('numbers placeholders from firstParam', () => {
    expect(sql('userName eq "a" or externalId eq "b"', 3)).toEqual({
      sql: '(lower(m.username) = lower($3) OR m.external_id = $4)',
      params: ['a', 'b'],
    });
  });

  it.each([
    ['nickName eq "x"', "Unknown or unsupported filter attribute 'nickName'"],
    ['emails.foo eq "x"', "'emails.foo'"],
    ['emails[foo eq "x"]', "'foo'"],
    ['addresses eq "x"', "'addresses' needs a sub-attribute"],
    ['userName[type eq "x"]', "'userName' is not a multi-valued attribute"],
    ['constructor eq "x"', "'constructor'"],
    ['__proto__ eq "x"', "'__proto__'"],
    ['urn:example:ext:1.0:User:department eq "x"', 'department'],
    ['active eq "yes"', "'active' is a boolean"],
    ['active gt true', "'gt' cannot compare the boolean 'active'"],
    ['meta.lastModified gt "not a date"', "'meta.lastModified' is a dateTime"],
    ['meta.lastModified gt "2024-02-30T00:00:00Z"', 'is a dateTime'],
    ['meta.lastModified co "2024"', "'co' applies to strings only"],
    ['loginCount eq 1.5', 'is an integer'],
    ['loginCount eq "3"', 'is an integer'],
    ['userName eq true', "'userName' is a string"],
    ['userName gt null', 'cannot compare with null'],
    ['x.flag eq 1', 'is a boolean'],
  ])('refuses %s', (filter, detail) => {
    const error = scimError(() => sql(filter));
    expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    expect(error.detail).toContain(detail);
  });

  it('never puts a value in the SQL text', () => {
    const hostile = [
      `'; DROP TABLE members; --`,
      `x' OR '1'='1`,
      '$1',
      'e1->>',
      "\\' OR 1=1",
      'Robert"); --',
      '%_\\',
      '2011-05-13T04:42:34Z',
    ];
    const templates = [
      (v: string) => `userName eq ${JSON.stringify(v)}`,
      (v: string) => `externalId co ${JSON.stringify(v)}`,
      (v: string) => `name.givenName sw ${JSON.stringify(v)}`,
      (v: string) => `emails[type eq ${JSON.stringify(v)}].value ew ${JSON.stringify(v)}`,
      (v: string) =>
        `not (emails.value ne ${JSON.stringify(v)}) or displayName gt ${JSON.stringify(v)}`,
      (v: string) =>
        `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department le ${JSON.stringify(v)}`,
    ];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let i = 0; i < 500; i++) {
      const marker = `Zq${Math.floor(random() * 1e9)}`;
      const value = `${hostile[Math.floor(random() * hostile.length)]}${marker}`;
      const template = templates[Math.floor(random() * templates.length)]!;
      const result = sql(template(value));
      expect(result.sql).not.toContain(marker);
      expect(result.sql).not.toContain('DROP');
      expect(JSON.stringify(result.params)).toContain(marker);
    }
  });

  it('only ever reaches the map’s own keys', () => {
    const error = scimError(() => filterToSql(parseFilter('toString eq "x"'), attributes));
    expect(error.scimType).toBe('invalidFilter');
  });
});

describe('isDateTime', () => {
  it.each([
    ['2011-05-13T04:42:34Z', true],
    ['2011-05-13T04:42:34.123+02:00', true],
    ['2011-05-13', true],
    ['2024-02-29T00:00:00Z', true],
    ['2023-02-29T00:00:00Z', false],
    ['2011-13-01T00:00:00Z', false],
    ['2011-05-13T24:00:00Z', false],
    ['yesterday', false],
    ['', false],
  ])('%s: %s', (text, expected) => {
    expect(isDateTime(text)).toBe(expected);
  });
});
