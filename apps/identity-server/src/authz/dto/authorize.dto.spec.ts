import 'reflect-metadata';
import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import { createValidationPipe } from '../../common/validation.js';
import { AuthorizeBatchDto, AuthorizeDto } from './authorize.dto.js';

const pipe = createValidationPipe();
const body = (metatype: ArgumentMetadata['metatype']): ArgumentMetadata => ({
  type: 'body',
  metatype,
});
/** class-validator alone, as the pipe is without the fast check. */
const slow = (value: unknown, metatype: ArgumentMetadata['metatype']) =>
  ValidationPipe.prototype.transform.call(pipe, value, body(metatype)).then(
    (out) => ({ ok: true, out: JSON.parse(JSON.stringify(out)) as unknown }),
    (error: { details?: unknown }) => ({ ok: false, out: error.details }),
  );
const fast = (value: unknown, metatype: ArgumentMetadata['metatype']) =>
  pipe.transform(value, body(metatype)).then(
    (out) => ({ ok: true, out: JSON.parse(JSON.stringify(out)) as unknown }),
    (error: { details?: unknown }) => ({ ok: false, out: error.details }),
  );

const base = {
  memberId: '5d7a3c0e-9f2b-4c1a-8e3d-2b6f1a9c4e70',
  action: 'read',
  subject: { type: 'Document', ownerId: 'x', tags: ['a', { b: 1 }] },
  context: { ip: '10.1.2.3', time: '2026-11-18T10:00:00Z' },
};
const strings = [
  undefined,
  null,
  '',
  'a',
  'x'.repeat(64),
  'x'.repeat(65),
  'x'.repeat(128),
  'x'.repeat(129),
  '😀'.repeat(64),
  '😀'.repeat(65),
  5,
  true,
  [],
  ['read'],
  {},
  '5D7A3C0E-9F2B-4C1A-8E3D-2B6F1A9C4E70',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '5d7a3c0e9f2b4c1a8e3d2b6f1a9c4e70',
  ' 5d7a3c0e-9f2b-4c1a-8e3d-2b6f1a9c4e70',
  '10.1.2.3',
  '::1',
  '2001:db8::1',
  '999.1.1.1',
  ' 10.1.2.3',
  '::ffff:10.1.2.3',
  '2026-11-18T10:00:00Z',
  '2026-11-18T10:00:00.123+01:00',
  '2026-02-30T00:00:00Z',
  '2026-11-18',
  'noon',
];
const objects = [
  undefined,
  null,
  {},
  { type: 'Member' },
  [],
  [{}],
  'Member',
  5,
  { ip: '10.1.2.3' },
];

function variants(): unknown[] {
  const out: unknown[] = [base, undefined, null, [], [base], 'text', 5, {}];
  for (const key of ['memberId', 'action', 'field'] as const)
    for (const value of strings) out.push({ ...base, [key]: value });
  for (const value of objects) {
    out.push({ ...base, subject: value });
    out.push({ ...base, context: value });
  }
  for (const ip of strings) {
    out.push({ ...base, context: { ip } });
    out.push({ ...base, context: { time: ip } });
  }
  out.push({ ...base, extra: 1 }, { ...base, context: { ...base.context, extra: 1 } });
  const { context: _context, ...withoutContext } = base;
  out.push(withoutContext, { ...withoutContext, field: 'owner' });
  return out;
}

describe('the fast check of POST /authorize', () => {
  it('accepts only what class-validator accepts, with the same value', async () => {
    let accepted = 0;
    for (const value of variants()) {
      const [a, b] = [await fast(value, AuthorizeDto), await slow(value, AuthorizeDto)];
      expect({ value, result: a }).toEqual({ value, result: b });
      if (a.ok) accepted++;
    }
    expect(accepted).toBeGreaterThan(20);
  });

  it('does the same for batches', async () => {
    const batches: unknown[] = [
      { checks: [base] },
      { checks: variants().slice(0, 100) },
      { checks: [] },
      { checks: Array.from({ length: 100 }, () => base) },
      { checks: Array.from({ length: 101 }, () => base) },
      { checks: [base, [base]] },
      { checks: base },
      { checks: [base], extra: true },
      ...variants().map((check) => ({ checks: [base, check] })),
    ];
    for (const value of batches) {
      const [a, b] = [await fast(value, AuthorizeBatchDto), await slow(value, AuthorizeBatchDto)];
      expect({ value, result: a }).toEqual({ value, result: b });
    }
  });
});
