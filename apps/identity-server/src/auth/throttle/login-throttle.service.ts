import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { AuthThrottleEntity } from './auth-throttle.entity.js';

/**
 * Brute-force protection: failed sign-ins are counted per account and per client IP in the
 * database (so every instance sees the same counts); past the limit the key is locked for
 * LOGIN_LOCKOUT_MINUTES and sign-ins answer 429 with Retry-After.
 */
@Injectable()
export class LoginThrottleService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  keys(email: string, ip: string | null): string[] {
    return [`account:${email.toLowerCase()}`, ...(ip ? [`ip:${ip}`] : [])];
  }

  /** Throws 429 when any of the keys is locked. */
  async assertAllowed(keys: string[]): Promise<void> {
    const rows: { locked_until: Date }[] = await this.dataSource.query(
      'SELECT locked_until FROM auth_throttle WHERE key = ANY($1) AND locked_until > now()',
      [keys],
    );
    if (rows.length === 0) return;
    const until = Math.max(...rows.map((r) => r.locked_until.getTime()));
    const seconds = Math.max(1, Math.ceil((until - Date.now()) / 1000));
    const error = new DomainException(
      ErrorCode.TooManyAttempts,
      `Too many failed sign-ins: try again in ${seconds} s`,
    );
    error.headers = { 'retry-after': String(seconds) };
    throw error;
  }

  /** Counts a failure for each key in one atomic statement per key. */
  async recordFailure(keys: string[]): Promise<void> {
    const windowMs = this.config.loginLockoutMinutes * 60_000;
    for (const key of keys) {
      const limit = key.startsWith('ip:')
        ? this.config.loginMaxFailuresPerIp
        : this.config.loginMaxFailuresPerAccount;
      await this.dataSource.query(
        `INSERT INTO auth_throttle (key, failures, window_start, locked_until)
         VALUES ($1, 1, now(), CASE WHEN 1 >= $2 THEN now() + $3 * interval '1 millisecond' END)
         ON CONFLICT (key) DO UPDATE SET
           failures = CASE WHEN auth_throttle.window_start < now() - $3 * interval '1 millisecond' THEN 1 ELSE auth_throttle.failures + 1 END,
           window_start = CASE WHEN auth_throttle.window_start < now() - $3 * interval '1 millisecond' THEN now() ELSE auth_throttle.window_start END,
           locked_until = CASE
             WHEN (CASE WHEN auth_throttle.window_start < now() - $3 * interval '1 millisecond' THEN 1 ELSE auth_throttle.failures + 1 END) >= $2
             THEN now() + $3 * interval '1 millisecond'
             ELSE auth_throttle.locked_until END`,
        [key, limit, windowMs],
      );
    }
  }

  /** A successful sign-in clears the account's count (the IP's stays). */
  async recordSuccess(email: string): Promise<void> {
    await this.dataSource
      .getRepository(AuthThrottleEntity)
      .delete({ key: `account:${email.toLowerCase()}` });
  }
}
