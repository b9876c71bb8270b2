import { ScimError } from './errors.js';
import { parseFilter } from './filter.js';
import { filterToSql } from './filter-sql.js';
import { applyPatch, parsePatch } from './patch.js';
import { project } from './projection.js';
import { normalizeResource } from './resource.js';
import { GROUP_RESOURCE, USER_RESOURCE } from './schemas.js';
import { SCHEMAS } from './urns.js';

// Seeded so a failure can be replayed.
let seed = 12345;
const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

const KEYS = [
  'userName',
  'USERNAME',
  'name',
  'name.givenName',
  'emails',
  'members',
  'active',
  'id',
  'meta',
  'schemas',
  'groups',
  '__proto__',
  'constructor',
  'prototype',
  'value',
  'type',
  'primary',
  'display',
  'op',
  'path',
  'Operations',
  SCHEMAS.enterpriseUser,
  `${SCHEMAS.enterpriseUser}:manager`,
  'emails[type eq "work"].value',
  'members[value eq "x"]',
  'x'.repeat(5000),
  '',
];
const STRINGS = [
  '',
  'True',
  'false',
  'x',
  'add',
  'Remove',
  'REPLACE',
  SCHEMAS.patchOp,
  SCHEMAS.user,
  SCHEMAS.group,
  'emails[type eq "work"]',
  'members[value eq "a"].value',
  'name.givenName',
  '(((',
  '"',
  'a'.repeat(5000),
];

function value(depth: number): unknown {
  const kind = Math.floor(random() * (depth > 4 ? 5 : 8));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return random() < 0.5;
    case 2:
      return Math.floor(random() * 1e6) - 5e5;
    case 3:
    case 4:
      return pick(STRINGS);
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
    default: {
      const object: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--)
        Object.defineProperty(object, pick(KEYS), {
          value: value(depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return object;
    }
  }
}

function patchBody(): unknown {
  if (random() < 0.1) return value(0);
  return {
    schemas: random() < 0.9 ? [SCHEMAS.patchOp] : value(2),
    Operations: Array.from({ length: 1 + Math.floor(random() * 3) }, () =>
      random() < 0.1
        ? value(2)
        : {
            op: pick(['add', 'Replace', 'remove', 'move', 7]),
            ...(random() < 0.7 && { path: random() < 0.8 ? pick(KEYS) : value(3) }),
            ...(random() < 0.8 && { value: value(1) }),
          },
    ),
  };
}

const outcomes = { ok: 0, refused: 0 };
const onlyScimErrors = (fn: () => unknown) => {
  try {
    fn();
    outcomes.ok++;
  } catch (error) {
    if (!(error instanceof ScimError)) throw error;
    outcomes.refused++;
  }
};

describe('random and hostile input', () => {
  afterAll(() => {
    // Both outcomes occur, so the inputs reach past the first checks.
    expect(outcomes.ok).toBeGreaterThan(1000);
    expect(outcomes.refused).toBeGreaterThan(1000);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('value');
  });

  it('PATCH, request bodies and projection throw nothing but ScimError', () => {
    const user = {
      schemas: [SCHEMAS.user],
      id: 'u1',
      userName: 'u',
      emails: [{ value: 'a@x', primary: true }],
    };
    const group = {
      schemas: [SCHEMAS.group],
      id: 'g1',
      displayName: 'g',
      members: [{ value: 'a' }],
    };
    for (let i = 0; i < 3000; i++) {
      const body = patchBody();
      onlyScimErrors(() => applyPatch(user, parsePatch(body), USER_RESOURCE));
      onlyScimErrors(() => applyPatch(group, parsePatch(body), GROUP_RESOURCE));
      const resource = value(0);
      onlyScimErrors(() => normalizeResource(resource, USER_RESOURCE));
      onlyScimErrors(() =>
        normalizeResource(
          { ...(typeof resource === 'object' ? resource : {}), schemas: [SCHEMAS.group] },
          GROUP_RESOURCE,
        ),
      );
      onlyScimErrors(() =>
        project(resource as Record<string, unknown>, USER_RESOURCE, {
          attributes: pick(KEYS),
          excludedAttributes: pick(KEYS),
        }),
      );
    }
  });

  it('filters throw nothing but ScimError', () => {
    const pieces = [
      'userName',
      'emails',
      '[',
      ']',
      '(',
      ')',
      'not',
      'and',
      'or',
      'eq',
      'pr',
      'gt',
      '"x"',
      '"',
      '\\',
      'true',
      '1',
      '.value',
      'urn:a:b:c',
      ' ',
      'emails[type eq "work"].value',
    ];
    const attributes = {
      username: { kind: 'column' as const, sql: 'u', type: 'string' as const, caseExact: false },
      emails: {
        kind: 'jsonArray' as const,
        sql: 'e',
        subAttributes: {
          value: { type: 'string' as const, caseExact: false },
          type: { type: 'string' as const, caseExact: false },
        },
        defaultSub: 'value',
      },
    };
    for (let i = 0; i < 5000; i++) {
      const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(pieces)).join(
        random() < 0.5 ? ' ' : '',
      );
      onlyScimErrors(() => filterToSql(parseFilter(text), attributes));
    }
  });
});
