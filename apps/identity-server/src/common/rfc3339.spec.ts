import { isISO8601 } from 'class-validator';
import { isRfc3339 } from './rfc3339.js';

describe('RFC 3339 date-times', () => {
  const good = [
    '2026-11-20T10:00:00Z',
    '2026-11-20T23:59:59.123456789+14:00',
    '2024-02-29T00:00:00-05:30',
    '2000-02-29T12:00:00Z',
    '1000-01-01T00:00:00Z',
  ];
  const bad = [
    '2026-11-20',
    '2026-11-20t10:00:00z',
    '2026-11-20 10:00:00Z',
    '2026-11-20T10:00Z',
    '2026-11-20T24:00:00Z',
    '2026-11-20T10:60:00Z',
    '2026-13-01T00:00:00Z',
    '2026-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-11-20T10:00:00+24:00',
    '2026-11-20T10:00:00.Z',
    '2026-11-20T10:00:00Z\n',
    '0999-01-01T00:00:00Z',
  ];

  it('accepts date-times with valid fields, and only strings class-validator accepts too', () => {
    for (const value of good) {
      expect([value, isRfc3339(value)]).toEqual([value, true]);
      expect([value, isISO8601(value, { strict: true })]).toEqual([value, true]);
    }
  });

  it('refuses other shapes and impossible dates', () => {
    for (const value of bad) expect([value, isRfc3339(value)]).toEqual([value, false]);
  });
});
