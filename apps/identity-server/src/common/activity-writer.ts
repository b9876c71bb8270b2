import type { Logger } from '@nestjs/common';

/**
 * Records "last used / last seen / last active" times at most once a minute per row, without
 * waiting for the write, so that authenticating a request stays read-only on the hot path.
 */
export class ActivityWriter {
  private readonly written = new Map<string, number>();

  constructor(
    private readonly logger: Logger,
    private readonly what: string,
    private readonly resolutionMs = 60_000,
    private readonly maxTracked = 100_000,
  ) {}

  /** Runs `write` unless one ran for `id` (or `stored` says it was written) within the resolution. */
  record(id: string, write: (at: Date) => Promise<unknown>, stored?: Date | null): void {
    const now = Date.now();
    if (now - (this.written.get(id) ?? stored?.getTime() ?? 0) < this.resolutionMs) return;
    if (this.written.size >= this.maxTracked) this.written.clear();
    this.written.set(id, now);
    write(new Date(now)).catch((error: unknown) =>
      this.logger.warn({ err: error }, `could not record ${this.what}`),
    );
  }
}
