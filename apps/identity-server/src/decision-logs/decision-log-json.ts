/** Each JSON value is stored whole up to this size; a larger one becomes TRUNCATED. */
export const MAX_JSON_BYTES = 8192;
const TRUNCATED = JSON.stringify({ truncated: true });

/**
 * The value as jsonb text PostgreSQL accepts (no NUL, no lone surrogate: it refuses both), or
 * TRUNCATED when larger than MAX_JSON_BYTES or not serializable (a cycle, a BigInt).
 */
export function jsonOf(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'string') return storable(v);
      if (v && typeof v === 'object' && !Array.isArray(v)) {
        const keys = Object.keys(v);
        if (keys.some((k) => storable(k) !== k))
          return Object.fromEntries(
            keys.map((k) => [storable(k), (v as Record<string, unknown>)[k]]),
          );
      }
      return v;
    });
    if (text === undefined) return null;
    return Buffer.byteLength(text) > MAX_JSON_BYTES ? TRUNCATED : text;
  } catch {
    return TRUNCATED;
  }
}

const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function storable(text: string): string {
  return text.replace(UNSTORABLE, '\uFFFD');
}
