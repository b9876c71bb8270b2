import type { FuzzFixtures } from './fuzz-fixtures.js';
import type { FuzzOperation, Schema } from './fuzz-operations.js';
import type { FuzzRequest } from './fuzz-transport.js';
import {
  BAD_PATH_IDS,
  BAD_QUERY_VALUES,
  badCursors,
  DEEP_ARRAY,
  DEEP_OBJECT,
  jsonType,
  LONG_STRING,
  NUL_STRINGS,
  ODD_STRINGS,
  RawJson,
  SURROGATE_STRINGS,
  TYPED_VALUES,
  type Random,
} from './fuzz-values.js';

/**
 * The mutated requests of one operation, derived from a valid baseline request (real path ids,
 * the right credential, a body built from the document's schema): one change each, so a refusal
 * names what it refused. Every candidate is generated, then a seeded sample of each category is
 * kept, so the run stays bounded whatever the size of the document.
 */
export type Category =
  | 'path'
  | 'query'
  | 'cursor'
  | 'query-dup'
  | 'query-proto'
  | 'query-long'
  | 'body-type'
  | 'body-missing'
  | 'body-long'
  | 'body-nul'
  | 'body-surrogate'
  | 'body-odd'
  | 'body-deep'
  | 'body-proto'
  | 'body-whole'
  | 'body-unknown'
  | 'content-type'
  | 'unexpected-body'
  | 'http'
  | 'method'
  | 'path-shape'
  | 'header'
  | 'baseline';

export interface Mutation {
  category: Category;
  /** What was changed, for failure messages: "body-nul $.name = "a\u0000b"". */
  name: string;
  request: FuzzRequest;
  /** Set when a 2xx is wrong too: why the request must be refused. */
  mustRefuse?: string;
}

const EDGE_STRINGS = 'NUL and lone surrogates are refused at the edge';
const JSON_ONLY = 'a JSON route takes JSON only';
const MALFORMED = 'not JSON, nested too deep, or over the size limit';

/** How many of each category's candidates one operation gets (path and query: per parameter). */
const QUOTA: Record<Category, number> = {
  path: 6,
  query: 3,
  cursor: 5,
  'query-dup': 2,
  'query-proto': 2,
  'query-long': 1,
  'body-type': 8,
  'body-missing': 3,
  'body-long': 2,
  'body-nul': 3,
  'body-surrogate': 3,
  'body-odd': 4,
  'body-deep': 2,
  'body-proto': 3,
  'body-whole': 3,
  'body-unknown': 1,
  'content-type': 4,
  'unexpected-body': 2,
  http: 1,
  method: 1,
  'path-shape': 1,
  header: 2,
  baseline: 1,
};

/**
 * Mutations sent on every run whatever the seed: what a longer hunt (FUZZ_SCALE) once found,
 * so that it stays fixed. [operation, mutation name as the failure message gives it].
 */
const PINNED: [string, string][] = [
  // class-validator's ValidateNested({ each: true }) passes an array item that is itself an array.
  ['POST /api/v1/tenants/{tenantId}/authorize/batch', 'body $.checks[0] = []'],
];

/** Public sign-up, sign-in and refresh hash passwords and are rate limited: a few requests each. */
const PUBLIC_WRITE_BUDGET = 16;

type Key = string | number;

const RAW = 'FUZZ_RAW_PLACEHOLDER';

function serialize(value: unknown, raw?: RawJson): string {
  const text = JSON.stringify(value) ?? '';
  return raw ? text.replace(`"${RAW}"`, raw.text) : text;
}

function clone<T>(value: T): T {
  // JSON round trip: keeps own "__proto__" keys as data, as a client would send them.
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function setOwn(target: Record<Key, unknown>, key: Key, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** A copy of `root` with `value` at `path`, creating the containers on the way. */
function withValue(root: unknown, path: Key[], value: unknown): unknown {
  if (path.length === 0) return value;
  const out = (clone(root) ?? (typeof path[0] === 'number' ? [] : {})) as Record<Key, unknown>;
  let at = out;
  path.forEach((key, i) => {
    if (i === path.length - 1) return setOwn(at, key, value);
    const child = at[key];
    if (typeof child !== 'object' || child === null)
      setOwn(at, key, typeof path[i + 1] === 'number' ? [] : {});
    at = at[key] as Record<Key, unknown>;
  });
  return out;
}

function without(root: unknown, path: Key[]): unknown {
  const out = clone(root) as Record<Key, unknown>;
  let at = out;
  for (const key of path.slice(0, -1)) at = at?.[key] as Record<Key, unknown>;
  if (at && typeof at === 'object') delete at[path[path.length - 1]!];
  return out;
}

const show = (path: Key[]) =>
  '$' +
  path
    .map((k) =>
      typeof k === 'number' ? `[${k}]` : /^[\w$-]+$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`,
    )
    .join('');
const brief = (v: unknown) => {
  if (v instanceof RawJson) return v.label;
  const s = typeof v === 'string' && v.length > 40 ? `<${v.length} chars>` : JSON.stringify(v);
  return s && s.length > 60 ? `${s.slice(0, 57)}...` : String(s);
};

interface BodyField {
  path: Key[];
  type: string;
  required: boolean;
}

/** Every field the schema declares and every field of the baseline, three levels deep. */
function bodyFields(schema: Schema | undefined, value: unknown, path: Key[] = []): BodyField[] {
  if (path.length >= 3) return [];
  const out: BodyField[] = [];
  const declared = schema?.properties ?? {};
  const present =
    value && typeof value === 'object' && !Array.isArray(value) ? Object.keys(value) : [];
  for (const key of new Set([...Object.keys(declared), ...present])) {
    const field = declared[key];
    const current = (value as Record<string, unknown> | undefined)?.[key];
    const type =
      field?.type ?? (field?.oneOf ? 'oneOf' : current !== undefined ? jsonType(current) : 'any');
    out.push({ path: [...path, key], type, required: schema?.required?.includes(key) ?? false });
    if (type === 'object') out.push(...bodyFields(field, current, [...path, key]));
    if (type === 'array') {
      const item = Array.isArray(current) ? current[0] : undefined;
      const items = field?.items;
      if (items || (item && typeof item === 'object')) {
        const itemType = items?.type ?? jsonType(item);
        out.push({ path: [...path, key, 0], type: itemType, required: false });
        if (itemType === 'object') out.push(...bodyFields(items, item, [...path, key, 0]));
      }
    }
  }
  return out;
}

function objectPaths(value: unknown, path: Key[] = []): Key[][] {
  if (!value || typeof value !== 'object' || path.length > 3) return [];
  const out: Key[][] = Array.isArray(value) ? [] : [path];
  for (const [k, v] of Object.entries(value))
    out.push(...objectPaths(v, [...path, Array.isArray(value) ? Number(k) : k]));
  return out;
}

/** `scale` multiplies every quota (FUZZ_SCALE: a longer hunt than `npm test` runs). */
export function mutationsOf(
  op: FuzzOperation,
  fx: FuzzFixtures,
  rnd: Random,
  scale = 1,
): Mutation[] {
  const token = fx.tokenFor(op.credential);
  const jsonType = op.scim ? 'application/scim+json' : 'application/json';
  const baseline = fx.baselineBody(op);
  const hasBody = op.body !== undefined;
  const pathValues = Object.fromEntries(
    op.pathParams.map((p) => [p.name, encodeURIComponent(fx.pathValue(op, p.name))]),
  );
  const pathWith = (overrides: Record<string, string> = {}) =>
    op.template.replace(/\{(\w+)\}/g, (_m, name: string) => overrides[name] ?? pathValues[name]!);
  const baseQuery: [string, string][] = op.queryParams
    .filter((p) => p.required)
    .map((p) => [
      p.name,
      encodeURIComponent(JSON.stringify(p.schema?.enum?.[0] ?? 1).replace(/^"|"$/g, '')),
    ]);
  const auth: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};

  const request = (
    parts: {
      path?: string;
      query?: [string, string][];
      headers?: Record<string, string>;
      payload?: string | Buffer | null;
      http?: boolean;
      unparsable?: boolean;
    } = {},
  ): FuzzRequest => {
    const query = parts.query ?? baseQuery;
    const qs = query.map(([k, v]) => `${k}=${v}`).join('&');
    const payload =
      parts.payload === null
        ? undefined
        : (parts.payload ?? (hasBody ? serialize(baseline) : undefined));
    return {
      method: op.method,
      url: `${parts.path ?? pathWith()}${qs ? `?${qs}` : ''}`,
      headers: {
        ...auth,
        ...(payload !== undefined ? { 'content-type': jsonType } : {}),
        ...parts.headers,
      },
      ...(payload !== undefined ? { payload } : {}),
      ...(parts.http ? { http: true } : {}),
      ...(parts.unparsable ? { unparsable: true } : {}),
    };
  };

  const candidates = new Map<Category, Mutation[]>();
  const add = (category: Category, name: string, req: FuzzRequest, mustRefuse?: string) =>
    candidates.set(category, [
      ...(candidates.get(category) ?? []),
      { category, name, request: req, ...(mustRefuse ? { mustRefuse } : {}) },
    ]);
  const nulIn = (value: string) => (value.includes('%00') ? EDGE_STRINGS : undefined);
  const quota = (category: Category): number =>
    category === 'path'
      ? QUOTA.path * op.pathParams.length * scale
      : category === 'query'
        ? QUOTA.query * op.queryParams.length * scale
        : category === 'baseline'
          ? 1
          : QUOTA[category] * scale;

  // Path ids: malformed, unknown, hostile; and the other tenant's id in the seeded tenant's place.
  for (const p of op.pathParams) {
    for (const bad of BAD_PATH_IDS)
      add(
        'path',
        `path ${p.name}=${bad.slice(0, 40)}`,
        request({ path: pathWith({ [p.name]: bad }) }),
      );
    if (p.name === 'tenantId')
      add(
        'path',
        'path tenantId=another tenant',
        request({ path: pathWith({ tenantId: fx.otherTenantId }) }),
      );
  }

  // Query parameters: the declared ones with wrong values, duplicates, arrays; hostile names.
  for (const p of op.queryParams) {
    const values = [
      ...BAD_QUERY_VALUES,
      ...(p.schema?.enum ? ['x', String(p.schema.enum[0]).toUpperCase()] : []),
    ];
    for (const v of values)
      add(
        'query',
        `query ${p.name}=${v.slice(0, 40)}`,
        request({ query: [...baseQuery, [p.name, v]] }),
        nulIn(v),
      );
    if (/cursor/i.test(p.name))
      for (const c of badCursors(fx.anyId))
        add(
          'cursor',
          `query ${p.name}=${c.slice(0, 60)}`,
          request({ query: [...baseQuery, [p.name, encodeURIComponent(c)]] }),
        );
    for (const pair of [
      [
        [p.name, '1'],
        [p.name, '2'],
      ],
      [[`${p.name}[]`, '1']],
      [[`${p.name}[a]`, '1']],
      [
        [p.name, 'a'],
        [p.name, 'b'],
        [p.name, ''],
      ],
    ] as [string, string][][])
      add(
        'query-dup',
        `query ${pair.map(([k, v]) => `${k}=${v}`).join('&')}`,
        request({ query: [...baseQuery, ...pair] }),
      );
    add(
      'query-long',
      `query ${p.name}=<100000 chars>`,
      request({ query: [...baseQuery, [p.name, LONG_STRING]] }),
    );
  }
  for (const [k, v] of [
    ['__proto__', 'x'],
    ['__proto__[admin]', '1'],
    ['constructor[prototype][admin]', '1'],
    ['constructor', '1'],
    ['prototype', '1'],
    ['hasOwnProperty', '1'],
    ['zzz', '1'],
    ['%00', '1'],
    ['a%ED%A0%80', '1'],
    ['zzz', '%00'],
  ] as [string, string][])
    add('query-proto', `query ${k}=${v}`, request({ query: [...baseQuery, [k, v]] }), nulIn(v));
  add(
    'query-dup',
    'query zzz=1&zzz=2',
    request({ query: [...baseQuery, ['zzz', '1'], ['zzz', '2']] }),
  );
  if (op.queryParams.length === 0)
    add(
      'query-long',
      'query zzz=<100000 chars>',
      request({ query: [...baseQuery, ['zzz', LONG_STRING]] }),
    );

  if (hasBody) {
    const fields = bodyFields(op.body, baseline);
    const put = (category: Category, path: Key[], value: unknown, mustRefuse?: string) => {
      const raw = value instanceof RawJson ? value : undefined;
      const body = withValue(baseline, path, raw ? RAW : value);
      add(
        category,
        `body ${show(path)} = ${brief(value)}`,
        request({ payload: serialize(body, raw) }),
        mustRefuse,
      );
    };
    for (const f of fields) {
      const declared = f.type === 'integer' ? 'number' : f.type;
      for (const { type, value } of TYPED_VALUES)
        if (type !== declared && !(declared === 'oneOf' && ['string', 'array'].includes(type)))
          put('body-type', f.path, value);
      put('body-long', f.path, LONG_STRING);
      for (const s of NUL_STRINGS) put('body-nul', f.path, s, EDGE_STRINGS);
      for (const s of SURROGATE_STRINGS) put('body-surrogate', f.path, s, EDGE_STRINGS);
      for (const s of ODD_STRINGS) put('body-odd', f.path, s);
      put('body-deep', f.path, new RawJson(DEEP_ARRAY, 'depth 10000 array'), MALFORMED);
      put('body-deep', f.path, new RawJson(DEEP_OBJECT, 'depth 10000 object'), MALFORMED);
      if (f.required) {
        const body = without(baseline, f.path);
        add('body-missing', `body without ${show(f.path)}`, request({ payload: serialize(body) }));
      }
    }
    for (const at of objectPaths(baseline)) {
      for (const [key, value] of [
        ['__proto__', { polluted: true, role: 'admin' }],
        ['constructor', { prototype: { polluted: true } }],
        ['prototype', { polluted: true }],
        ['a\u0000b', 1],
        ['\ud800', 1],
      ] as [string, unknown][])
        put('body-proto', [...at, key], value);
      put('body-unknown', [...at, 'zzzUnknown'], 1);
    }
    for (const [payload, mustRefuse] of [
      ['null'],
      ['[]'],
      ['"x"'],
      ['1'],
      ['true'],
      ['{', MALFORMED],
      ['{"a":}', MALFORMED],
      ['{} x', MALFORMED],
      ['\ufeff{}'],
      ['{"a":1,"a":2}'],
      ['NaN', MALFORMED],
      ['', MALFORMED],
      [DEEP_ARRAY, MALFORMED],
      [DEEP_OBJECT, MALFORMED],
      [`{"a":"${'b'.repeat(1_100_000)}"}`, MALFORMED],
    ] as [string, string?][])
      add(
        'body-whole',
        `body ${payload.length > 40 ? `<${payload.length} bytes>` : JSON.stringify(payload)}`,
        request({ payload }),
        mustRefuse,
      );
  }

  // Content types: JSON only on JSON routes (SCIM also takes its own); no type at all.
  const form = Object.entries((baseline ?? { role: 'admin' }) as Record<string, unknown>)
    .map(
      ([k, v]) =>
        `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))}`,
    )
    .join('&');
  const json = hasBody ? serialize(baseline) : '{"a":1}';
  const boundary = 'fuzzboundary';
  const multipart =
    Object.entries((baseline ?? { a: 1 }) as Record<string, unknown>)
      .map(
        ([k, v]) =>
          `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${String(v)}\r\n`,
      )
      .join('') + `--${boundary}--\r\n`;
  for (const [type, payload, notJson] of [
    ['application/x-www-form-urlencoded', form, true],
    ['text/plain', json, true],
    [undefined, json, false],
    [`multipart/form-data; boundary=${boundary}`, multipart, true],
    ['application/xml', '<a/>', true],
    ['application/json; charset=utf-16', json, false],
    [op.scim ? 'application/json' : 'application/scim+json', json, !op.scim],
    ['application/octet-stream', json, true],
    ['application/json', '', false],
  ] as [string | undefined, string, boolean][]) {
    const headers: Record<string, string> = {};
    if (type) headers['content-type'] = type;
    const req = request({ payload, headers });
    if (!type) delete req.headers['content-type'];
    if (hasBody)
      add('content-type', `content-type ${type ?? 'none'}`, req, notJson ? JSON_ONLY : undefined);
    else add('unexpected-body', `content-type ${type ?? 'none'}`, req);
  }
  if (!hasBody) {
    add(
      'unexpected-body',
      'unexpected JSON body',
      request({ payload: '{"a":"\\u0000"}', headers: { 'content-type': 'application/json' } }),
    );
    add(
      'unexpected-body',
      'unexpected deep body',
      request({ payload: DEEP_ARRAY, headers: { 'content-type': 'application/json' } }),
    );
  }

  // The router: methods the path does not serve, odd spellings of the path.
  for (const method of op.undeclaredMethods)
    add('method', `method ${method}`, { ...request(), method });
  for (const [label, path] of [
    ['trailing slash', `${pathWith()}/`],
    ['doubled slash', pathWith().replace(/\/([^/]*)$/, '//$1')],
    ['upper case', pathWith().toUpperCase()],
    ['dot segment', pathWith().replace(/\/([^/]*)$/, '/./$1')],
    ['encoded slash', pathWith().replace(/\/([^/]*)$/, '%2F$1')],
  ] as [string, string][])
    add('path-shape', `path ${label}`, request({ path }));
  // Headers the server reads.
  for (const [name, value] of [
    ['x-request-id', 'a'.repeat(300)],
    ['x-request-id', '../\u00ff'],
    ['accept', 'application/xml'],
    ['x-forwarded-for', '1.2.3.4, garbage'],
    ...(op.scim && op.method !== 'GET' && op.method !== 'POST'
      ? [
          ['if-match', 'W/"garbage"'],
          ['if-match', '"'],
          ['if-match', `W/"${'9'.repeat(5_000)}"`],
          ['if-match', '*, W/"1"'],
        ]
      : []),
  ] as [string, string][])
    add('header', `header ${name}: ${value.slice(0, 30)}`, request({ headers: { [name]: value } }));

  // Over a real socket: what only Node's parser sees.
  const someId = op.pathParams[op.pathParams.length - 1]?.name;
  add(
    'http',
    'http query string of 20000 bytes',
    request({
      http: true,
      unparsable: true,
      query: [...baseQuery, ['pad', 'a'.repeat(20_000)]],
    }),
  );
  add(
    'http',
    'http raw control byte in the query',
    request({ http: true, unparsable: true, query: [...baseQuery, ['zzz', '\u0001']] }),
  );
  if (someId) {
    add(
      'http',
      `http raw UTF-8 bytes in ${someId}`,
      request({ http: true, unparsable: true, path: pathWith({ [someId]: '\u00c3\u00a9' }) }),
    );
  }
  if (hasBody) {
    const stringField = bodyFields(op.body, baseline).find((f) => f.type === 'string');
    if (stringField) {
      const text = serialize(withValue(baseline, stringField.path, RAW));
      for (const [label, bytes] of [
        ['invalid UTF-8 (ff fe)', [0x22, 0xff, 0xfe, 0x22]],
        ['CESU-8 surrogate (ed a0 80)', [0x22, 0xed, 0xa0, 0x80, 0x22]],
        ['overlong NUL (c0 80)', [0x22, 0xc0, 0x80, 0x22]],
      ] as [string, number[]][]) {
        const [before, after] = text.split(`"${RAW}"`) as [string, string];
        const payload = Buffer.concat([
          Buffer.from(before),
          Buffer.from(bytes),
          Buffer.from(after),
        ]);
        add('http', `http ${label} at ${show(stringField.path)}`, request({ http: true, payload }));
      }
    }
    const chunks = DEEP_ARRAY.match(/.{1,4096}/g) ?? [];
    const chunked =
      chunks.map((c) => `${c.length.toString(16)}\r\n${c}\r\n`).join('') + '0\r\n\r\n';
    add(
      'http',
      'http chunked depth 10000 array',
      request({ http: true, payload: chunked, headers: { 'transfer-encoding': 'chunked' } }),
    );
  }

  add('baseline', 'the valid request', request());

  const order: Category[] = Object.keys(QUOTA) as Category[];
  const pinned = [...candidates.values()]
    .flat()
    .filter((m) => PINNED.some(([name, mutation]) => name === op.name && mutation === m.name));
  let picked = order.flatMap((c) =>
    rnd.sample(
      (candidates.get(c) ?? []).filter((m) => !pinned.includes(m)),
      quota(c),
    ),
  );
  // Ahead of the baseline, which stays last.
  picked.splice(picked.length - 1, 0, ...pinned);
  if (op.credential === 'none' && op.method !== 'GET') {
    const baselineLast = picked.filter((m) => m.category !== 'baseline');
    picked = [
      ...rnd.sample(baselineLast, PUBLIC_WRITE_BUDGET - 1),
      ...picked.filter((m) => m.category === 'baseline'),
    ];
  }
  return picked;
}
