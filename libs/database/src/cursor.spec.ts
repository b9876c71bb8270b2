import { decodeCursor, encodeCursor, pageOf } from './cursor.js';
import { newId } from './ids.js';

const enc = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('cursors', () => {
  it('round-trips a sort key', () => {
    const key = { at: new Date('2026-01-02T03:04:05.678Z'), id: newId() };
    expect(decodeCursor(encodeCursor(key))).toEqual({ at: key.at.toISOString(), id: key.id });
  });

  it.each([
    ['empty', ''],
    ['not base64url', '!!!'],
    ['not JSON', Buffer.from('nope').toString('base64url')],
    ['JSON array', Buffer.from('[1,2]').toString('base64url')],
    [
      'bad id',
      Buffer.from(JSON.stringify({ at: '2026-01-01T00:00:00Z', id: 'x' })).toString('base64url'),
    ],
    [
      'bad time',
      Buffer.from(JSON.stringify({ at: 'yesterday', id: newId() })).toString('base64url'),
    ],
    ['too long', 'a'.repeat(201)],
    ['a number for a time', enc({ at: '1', id: newId() })],
    ['February 30th', enc({ at: '2026-02-30T00:00:00.000Z', id: newId() })],
    ['a time without milliseconds', enc({ at: '2026-01-01T00:00:00Z', id: newId() })],
    ['a time with an offset', enc({ at: '2026-01-01T00:00:00.000+01:00', id: newId() })],
    ['a year before 1970', enc({ at: '0000-01-01T00:00:00.000Z', id: newId() })],
    ['hour 24', enc({ at: '2026-01-01T24:00:00.000Z', id: newId() })],
    ['an upper-case id', enc({ at: '2026-01-01T00:00:00.000Z', id: newId().toUpperCase() })],
    [
      'a nil id',
      enc({ at: '2026-01-01T00:00:00.000Z', id: '00000000-0000-0000-0000-000000000000' }),
    ],
    ['a time that is a number', enc({ at: 1, id: newId() })],
    ['an extra key', enc({ at: '2026-01-01T00:00:00.000Z', id: newId(), x: 1 })],
    ['keys in another order', enc({ id: newId(), at: '2026-01-01T00:00:00.000Z' })],
    ['a NUL in the id', enc({ at: '2026-01-01T00:00:00.000Z', id: `${newId()}\u0000` })],
    ['a non-canonical base64url', `${encodeCursor({ at: new Date(0), id: newId() })}A`],
  ])('rejects a cursor that is %s', (_label, cursor) => {
    expect(decodeCursor(cursor)).toBeNull();
  });

  it('pages rows and gives a cursor only when more rows follow', () => {
    const rows = [1, 2, 3].map((n) => ({ id: newId(), createdAt: new Date(n * 1000) }));
    const first = pageOf(
      rows,
      2,
      (r) => r.createdAt,
      (r) => r.id,
    );
    expect(first.data).toEqual([rows[0]?.id, rows[1]?.id]);
    expect(decodeCursor(first.nextCursor as string)?.id).toBe(rows[1]?.id);
    expect(
      pageOf(
        rows,
        3,
        (r) => r.createdAt,
        (r) => r.id,
      ).nextCursor,
    ).toBeNull();
  });
});

describe('ids', () => {
  it('are UUIDv7 and increase with time', () => {
    const ids = Array.from({ length: 1000 }, () => newId());
    expect(ids.every((id) => /^[0-9a-f]{8}-[0-9a-f]{4}-7/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
  });
});
