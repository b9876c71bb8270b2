import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { lockouts } from '../../metrics/metrics.js';
import { addressSubject } from './client-address.js';

/**
 * The row's window is over: its lock has ended, or it was never locked and its counting window
 * has passed. A fresh attempt starts a new window.
 */
const FRESH = `(t.locked_until <= now() OR (t.locked_until IS NULL AND t.window_start <= now() - $3 * interval '1 millisecond'))`;

/**
 * What an attempt is counted against: a sign-in's `account` (by email) and `ip`, a password
 * change's `password` (by account), a second factor's `mfa` (by account: sign-in, confirming and
 * turning TOTP off share one budget).
 */
export type AttemptKind = 'account' | 'ip' | 'password' | 'mfa';

export interface AttemptKey {
  kind: AttemptKind;
  key: string;
  limit: number;
}

interface Reservation {
  key: AttemptKey;
  /** The window the reservation was counted in (exactly, as PostgreSQL prints it). */
  window: string;
  /** This reservation brought the key to its limit. */
  reachedLimit: boolean;
}

/**
 * Brute-force protection. An attempt is reserved on each of its keys BEFORE the secret is checked,
 * in one statement per key that refuses once the key is at its limit: parallel guesses cannot all
 * read a count below the limit and then each add one (100 parallel wrong passwords checked 86
 * before). A reservation counts as a failure until the attempt succeeds: success clears the
 * subject's count (account, password, mfa) and gives the shared address key its one back.
 * Counts live in PostgreSQL, so every instance sees them; past the limit the key is locked for
 * LOGIN_LOCKOUT_MINUTES (429 with Retry-After).
 */
@Injectable()
export class LoginThrottleService {
  private readonly windowMs: number;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.windowMs = config.loginLockoutMinutes * 60_000;
  }

  /** A password sign-in: the account named by the email, and the client address. */
  loginKeys(email: string, ip: string | null): AttemptKey[] {
    return [
      {
        kind: 'account',
        key: `account:${email.toLowerCase()}`,
        limit: this.config.loginMaxFailuresPerAccount,
      },
      ...(ip
        ? [
            {
              kind: 'ip' as const,
              key: `ip:${addressSubject(ip)}`,
              limit: this.config.loginMaxFailuresPerIp,
            },
          ]
        : []),
    ];
  }

  /** The current password on a password change, or a second factor, of one account. */
  accountKeys(kind: 'password' | 'mfa', accountId: string): AttemptKey[] {
    return [{ kind, key: `${kind}:${accountId}`, limit: this.config.loginMaxFailuresPerAccount }];
  }

  /**
   * Runs `check` as one attempt on `keys`: reserved first (429 too_many_attempts, unchecked, when
   * any key is at its limit), kept as a failure when `check` throws one of `failures`, cleared
   * when it returns, and given back when it throws anything else (mfa_required, a lost database
   * connection: not a wrong guess).
   */
  async attempt<T>(
    keys: AttemptKey[],
    failures: readonly ErrorCode[],
    check: () => Promise<T>,
  ): Promise<T> {
    const reservations = await this.reserve(keys);
    let result: T;
    try {
      result = await check();
    } catch (error) {
      if (error instanceof DomainException && failures.includes(error.code)) {
        for (const r of reservations) if (r.reachedLimit) lockouts.inc({ kind: r.key.kind });
      } else {
        await this.release(reservations);
      }
      throw error;
    }
    await this.succeeded(reservations);
    return result;
  }

  /** One reservation on every key, or none (those taken are given back) and a 429. */
  private async reserve(keys: AttemptKey[]): Promise<Reservation[]> {
    const taken: Reservation[] = [];
    for (const key of keys) {
      const rows: { failures: number; window: string }[] = await this.dataSource.query(
        `INSERT INTO auth_throttle AS t (key, failures, window_start, locked_until)
         VALUES ($1, 1, now(), CASE WHEN $2 <= 1 THEN now() + $3 * interval '1 millisecond' END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN ${FRESH} THEN 1 ELSE t.failures + 1 END,
           window_start = CASE WHEN ${FRESH} THEN now() ELSE t.window_start END,
           locked_until = CASE
             WHEN (CASE WHEN ${FRESH} THEN 1 ELSE t.failures + 1 END) >= $2
             THEN now() + $3 * interval '1 millisecond' END
         WHERE ${FRESH} OR (t.failures < $2 AND t.locked_until IS NULL)
         RETURNING t.failures, t.window_start::text AS window`,
        [key.key, key.limit, this.windowMs],
      );
      const row = rows[0];
      if (!row) {
        await this.release(taken);
        throw await this.refusal(key);
      }
      taken.push({ key, window: row.window, reachedLimit: row.failures >= key.limit });
    }
    return taken;
  }

  /** Gives reservations back, in the window they were taken in (a newer window is not touched). */
  private async release(reservations: Reservation[]): Promise<void> {
    for (const { key, window } of reservations) {
      await this.dataSource.query(
        `UPDATE auth_throttle
            SET failures = failures - 1,
                locked_until = CASE WHEN failures - 1 >= $3 THEN locked_until END
          WHERE key = $1 AND window_start = $2::timestamptz AND failures > 0`,
        [key.key, window, key.limit],
      );
    }
  }

  /** A success clears its subject's count; the address, shared by others, only gets its one back. */
  private async succeeded(reservations: Reservation[]): Promise<void> {
    const cleared = reservations.filter((r) => r.key.kind !== 'ip').map((r) => r.key.key);
    if (cleared.length > 0)
      await this.dataSource.query('DELETE FROM auth_throttle WHERE key = ANY($1)', [cleared]);
    await this.release(reservations.filter((r) => r.key.kind === 'ip'));
  }

  private async refusal(key: AttemptKey): Promise<DomainException> {
    const rows: { seconds: number }[] = await this.dataSource.query(
      `SELECT GREATEST(1, ceil(extract(epoch FROM
                COALESCE(locked_until, window_start + $2 * interval '1 millisecond') - now())))::int AS seconds
         FROM auth_throttle WHERE key = $1`,
      [key.key, this.windowMs],
    );
    const seconds = rows[0]?.seconds ?? 1;
    const what =
      key.kind === 'mfa'
        ? 'second-factor codes'
        : key.kind === 'password'
          ? 'passwords'
          : 'sign-ins';
    const error = new DomainException(
      ErrorCode.TooManyAttempts,
      `Too many failed ${what}: try again in ${seconds} s`,
    );
    error.headers = { 'retry-after': String(seconds) };
    return error;
  }
}
