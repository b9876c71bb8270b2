/** What changed between two plain JSON values, keyed by dotted path; arrays compare whole. */
export function diff(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const out = { before: {} as Record<string, unknown>, after: {} as Record<string, unknown> };
  walk(before, after, '', out);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)
  );
}

function walk(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  prefix: string,
  out: { before: Record<string, unknown>; after: Record<string, unknown> },
): void {
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const path = prefix ? `${prefix}.${key}` : key;
    const x = a[key];
    const y = b[key];
    if (isPlainObject(x) && isPlainObject(y)) {
      walk(x, y, path, out);
    } else if (JSON.stringify(x) !== JSON.stringify(y)) {
      out.before[path] = x ?? null;
      out.after[path] = y ?? null;
    }
  }
}
