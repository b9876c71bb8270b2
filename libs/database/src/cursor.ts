/**
 * Opaque keyset cursors for lists ordered by (created_at, id).
 * The cursor is base64url JSON of the last row's sort key; clients must not parse it.
 */
export interface CursorKey {
  at: string;
  id: string;
}

/** A UUID as PostgreSQL prints it (lower case), of a defined version and the RFC 9562 variant. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
/** The instant as Date#toISOString writes it: the only form encodeCursor produces. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** The longest cursor encodeCursor writes is 104 characters; 200 leaves room and no more. */
const MAX_CURSOR_LENGTH = 200;

export function encodeCursor(key: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ at: key.at.toISOString(), id: key.id })).toString(
    'base64url',
  );
}

/**
 * Returns the decoded key, or null when the cursor is not one encodeCursor could have written
 * (callers answer 400): its exact encoding of `at` and `id`, `at` a real instant
 * in toISOString's form (2026-02-30 is refused, not rolled over to March) and not before 1970,
 * `id` a UUID.
 */
export function decodeCursor(cursor: string): CursorKey | null {
  if (cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const { at, id } = parsed as Record<string, unknown>;
  if (typeof at !== 'string' || typeof id !== 'string') return null;
  if (!UUID.test(id) || !ISO_INSTANT.test(at)) return null;
  const time = new Date(at);
  if (Number.isNaN(time.getTime()) || time.toISOString() !== at) return null;
  // No row predates the epoch, and PostgreSQL has no year 0000.
  if (time.getTime() < 0) return null;
  // Byte for byte what encodeCursor writes: no extra keys, spacing, key order or base64 slack.
  if (encodeCursor({ at: time, id }) !== cursor) return null;
  return { at, id };
}

/**
 * Cuts a `limit + 1` result into a page of views, with the cursor of its last row when more
 * rows follow.
 */
export function pageOf<T extends { id: string }, V>(
  rows: T[],
  limit: number,
  at: (row: T) => Date,
  view: (row: T) => V,
): { data: V[]; nextCursor: string | null } {
  const data = rows.slice(0, limit);
  const last = data[data.length - 1];
  return {
    data: data.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor({ at: at(last), id: last.id }) : null,
  };
}
