import type pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PoolStats } from '../metrics/metrics.js';

/** The pg Pool behind TypeORM's PostgreSQL driver (null before it is initialised or after). */
export function poolOf(dataSource: DataSource): pg.Pool | null {
  if (!dataSource.isInitialized) return null;
  return (dataSource.driver as unknown as { master?: pg.Pool }).master ?? null;
}

export function poolStats(dataSource: DataSource): PoolStats | null {
  const pool = poolOf(dataSource);
  if (!pool) return null;
  return {
    max: pool.options.max ?? 10,
    total: pool.totalCount,
    idle: pool.idleCount,
    waiting: pool.waitingCount,
  };
}

/** True when a query now would wait for a connection: every one is busy and none may be opened. */
export function poolExhausted(dataSource: DataSource): boolean {
  const stats = poolStats(dataSource);
  return stats !== null && stats.idle === 0 && stats.total >= stats.max;
}

/**
 * Runs `SELECT 1` on a pooled connection if one can be had within `ms`, else rejects. A
 * connection that arrives after the deadline is released at once, unused.
 */
export function pingWithin(dataSource: DataSource, ms: number): Promise<void> {
  const pool = poolOf(dataSource);
  if (!pool) return Promise.reject(new Error('the database is not initialised'));
  return new Promise<void>((resolve, reject) => {
    let late = false;
    const timer = setTimeout(() => {
      late = true;
      reject(new Error(`no database connection within ${ms} ms`));
    }, ms);
    pool.connect((error, client, release) => {
      if (error || !client) {
        clearTimeout(timer);
        if (!late) reject(error ?? new Error('no connection'));
        return;
      }
      if (late) {
        release();
        return;
      }
      client.query('SELECT 1').then(
        () => {
          clearTimeout(timer);
          release();
          if (!late) resolve();
        },
        (queryError: unknown) => {
          clearTimeout(timer);
          release(queryError instanceof Error ? queryError : true);
          if (!late)
            reject(queryError instanceof Error ? queryError : new Error(String(queryError)));
        },
      );
    });
  });
}
