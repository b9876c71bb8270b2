/**
 * Opaque keyset cursors for lists ordered by (created_at, id).
 * The cursor is base64url JSON of the last row's sort key; clients must not parse it.
 */
export interface CursorKey {
  at: string;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(key: { at: Date; id: string }): string {
  return Buffer.from(JSON.stringify({ at: key.at.toISOString(), id: key.id })).toString(
    'base64url',
  );
}

/** Returns the decoded key, or null when the cursor is malformed (callers answer 400). */
export function decodeCursor(cursor: string): CursorKey | null {
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return null;
    const { at, id } = parsed as Record<string, unknown>;
    if (typeof at !== 'string' || typeof id !== 'string' || !UUID.test(id)) return null;
    if (Number.isNaN(Date.parse(at))) return null;
    return { at, id };
  } catch {
    return null;
  }
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
