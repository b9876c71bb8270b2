/** The constraint a unique violation hit, or null for any other error. */
export function uniqueViolation(error: unknown): string | null {
  const e = error as {
    code?: unknown;
    constraint?: unknown;
    driverError?: { code?: unknown; constraint?: unknown };
  };
  const source = e?.driverError ?? e;
  if (source?.code !== '23505') return null;
  return typeof source.constraint === 'string' ? source.constraint : '';
}
