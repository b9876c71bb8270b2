/**
 * The fuzz suite's randomness and its hostile values. One seeded generator drives every choice,
 * so a run is replayed exactly with FUZZ_SEED=<the seed it printed>.
 */

export const DEFAULT_FUZZ_SEED = 20260212;

/** The seed of this run: FUZZ_SEED (a number, or any text hashed to one), else the default. */
export function fuzzSeed(env: Record<string, string | undefined> = process.env): number {
  const raw = env.FUZZ_SEED?.trim();
  if (!raw) return DEFAULT_FUZZ_SEED;
  if (/^\d+$/.test(raw)) return Number(raw) >>> 0;
  let h = 2166136261;
  for (const ch of raw) h = Math.imul(h ^ ch.charCodeAt(0), 16777619);
  return h >>> 0;
}

export interface Random {
  /** In [0, 1). */
  next(): number;
  int(below: number): number;
  pick<T>(items: readonly T[]): T;
  /** Up to `count` distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[];
  chance(p: number): boolean;
}

/** mulberry32: small, fast and good enough to pick test inputs. */
export function random(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number) => Math.floor(next() * below);
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => items[int(items.length)] as T,
    sample: <T>(items: readonly T[], count: number) => {
      const copy = [...items];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
      }
      return copy.slice(0, count);
    },
    chance: (p: number) => next() < p,
  };
}

export const LONG_STRING = 'a'.repeat(100_000);
export const DEPTH = 10_000;
/** Raw JSON texts nested DEPTH deep. */
export const DEEP_ARRAY = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
export const DEEP_OBJECT = '{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH);

/** A JSON value the suite writes as raw text (too deep for JSON.stringify to be the point). */
export class RawJson {
  constructor(
    readonly text: string,
    readonly label: string,
  ) {}
}

/** Strings that must be refused (or stored as given) wherever a string goes. */
export const NUL_STRINGS = ['a\u0000b', '\u0000'];
export const SURROGATE_STRINGS = ['\ud800', 'a\udc00b', '\udfff\ud800'];
export const ODD_STRINGS = [
  '',
  ' ',
  '\t\n',
  'é\u202e\u200b',
  '${member.id}',
  "' OR 1=1 --",
  '../../etc/passwd',
  '%00',
  '<script>',
  '9'.repeat(400),
  '2026-02-30T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '24:00',
  '0.0.0.0/0',
  '256.1.1.1/33',
  '::ffff:1.2.3.4/129',
  'Not/AZone',
  'x@',
  'javascript:alert(1)',
];

/** A value of each JSON type; wrong-type mutations take those that differ from the declared one. */
export const TYPED_VALUES: { type: string; value: unknown }[] = [
  { type: 'null', value: null },
  { type: 'boolean', value: true },
  { type: 'boolean', value: false },
  { type: 'number', value: 0 },
  { type: 'number', value: -1 },
  { type: 'number', value: 1.5 },
  { type: 'number', value: 1e308 },
  { type: 'number', value: 2 ** 53 + 2 },
  { type: 'string', value: 'x' },
  { type: 'string', value: '1' },
  { type: 'string', value: 'true' },
  { type: 'array', value: [] },
  { type: 'array', value: ['x', 1, null] },
  { type: 'array', value: Array.from({ length: 10_001 }, () => 'a') },
  { type: 'object', value: {} },
  { type: 'object', value: { a: { b: [1] } } },
];

export function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Cursors a server must refuse as 400 invalid_cursor (base64url JSON is the issued encoding). */
export function badCursors(realId: string): string[] {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return [
    'garbage',
    '!!!',
    '',
    '%00',
    'a'.repeat(5_000),
    b64({ at: '1' }),
    b64({ at: '1', id: realId }),
    b64({ at: '2026-02-30T10:00:00.000Z', id: realId }),
    b64({ at: '2026-02-30', id: realId }),
    b64({ at: '+275760-09-13T00:00:00.000Z', id: realId }),
    b64({ at: '2026-01-01T00:00:00.000Z', id: 'not-a-uuid' }),
    b64({ at: '2026-01-01T00:00:00.000Z', id: `${realId}\u0000` }),
    Buffer.from(
      `{"at":"2026-01-01T00:00:00.000Z","id":"${realId}","__proto__":{"at":1},"constructor":1}`,
    ).toString('base64url'),
    b64({ at: { $gt: '' }, id: realId }),
    b64(null),
    b64([]),
    Buffer.from('{"at":"2026-01-01T00:00:00.000Z","id":"').toString('base64url'),
  ];
}

/** Path segments standing for an id: malformed, unknown, hostile. Already URL-encoded. */
export const BAD_PATH_IDS = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
  '0000000-0000-0000-0000-0000000000000',
  '00000000-0000-0000-0000-00000000000g',
  '%00',
  'x%00y',
  '%ED%A0%80',
  '%C0%80',
  '%ZZ',
  '%',
  '%2F',
  '..',
  '__proto__',
  'constructor',
  'prototype',
  'a'.repeat(300),
  '%E2%80%AE',
  '1',
  '-1',
  "'%20OR%201=1--",
];

/** Query values, already URL-encoded (the raw forms a client can put in a query string). */
export const BAD_QUERY_VALUES = [
  'abc',
  '',
  '-1',
  '0',
  '1.5',
  '1e999',
  '9'.repeat(400),
  'NaN',
  'true',
  'null',
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%uD800',
  '%ZZ',
  '%',
  '2026-02-30',
  '2026-02-30T00:00:00Z',
  '%7B%22%24gt%22%3A%22%22%7D',
];
