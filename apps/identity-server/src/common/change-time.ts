/**
 * A change's timestamp, strictly after the previous one: versions (SCIM ETags) derive from
 * `updated_at`, so two changes in the same millisecond must still differ.
 */
export function laterThan(previous: Date): Date {
  return new Date(Math.max(Date.now(), previous.getTime() + 1));
}
