/**
 * RFC 3339 date-times (`2026-11-20T10:00:00Z`, `…T10:00:00.5+01:00`), checked without building a
 * Date: the fields' ranges by pattern, the day against its month's length (leap years included).
 * Years 1000 to 9999, upper-case `T` and `Z` only: every string this accepts, class-validator's
 * `isISO8601(value, { strict: true })` accepts too, so a fast check may use it in its place.
 */
const DATE_TIME =
  /^([1-9]\d{3})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function isRfc3339(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return day <= (month === 2 && leap ? 29 : (DAYS[month - 1] as number));
}
