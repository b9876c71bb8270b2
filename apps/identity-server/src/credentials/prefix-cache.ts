/**
 * The rows of issued credentials (API keys, personal keys, SCIM tokens) that a non-secret prefix
 * names, kept per instance so a credential's requests cost no query. Only prefixes that name rows
 * are kept (an unknown prefix cannot fill the cache); entries expire after `ttlMs`, and callers
 * forget rows when a revocation is announced. Matching the secret stays with the caller (constant
 * time).
 */
export class PrefixCache<Row> {
  private readonly entries = new Map<string, { rows: Row[]; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
  ) {}

  async rows(prefix: string, load: () => Promise<Row[]>): Promise<Row[]> {
    const cached = this.entries.get(prefix);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.rows;
    const rows = await load();
    if (rows.length > 0) {
      if (this.entries.size >= this.max) this.entries.clear();
      this.entries.set(prefix, { rows, at: Date.now() });
    }
    return rows;
  }

  /** Drops every prefix one of whose rows matches (a revoked key, a tenant's tokens). */
  forget(matches: (row: Row) => boolean): void {
    for (const [prefix, entry] of this.entries)
      if (entry.rows.some(matches)) this.entries.delete(prefix);
  }

  clear(): void {
    this.entries.clear();
  }
}
