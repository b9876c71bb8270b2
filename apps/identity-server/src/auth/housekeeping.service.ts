import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const EVERY_MS = 3_600_000;

interface Removed {
  throttle: number;
  rateLimits: number;
  refreshTokens: number;
  passwordHistory: number;
  emailTokens: number;
  ssoCodes: number;
}
/** The most any tenant's password policy looks back. */
const PASSWORD_HISTORY_KEPT = 24;

/**
 * Hourly clean-up of what sign-in leaves behind: failure counters whose window has passed,
 * rate-limit counters whose window has ended, email links (sign-up, verification, password
 * reset) past their expiry, refresh tokens of sessions that ended more than a day ago, password history beyond what any
 * policy reads. Sessions themselves stay (they are the device history).
 */
@Injectable()
export class HousekeepingService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Housekeeping');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.run(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async run(): Promise<Removed> {
    try {
      const windowMs = this.config.loginLockoutMinutes * 60_000;
      const [, throttle] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM auth_throttle
          WHERE window_start < now() - $1 * interval '1 millisecond'
            AND (locked_until IS NULL OR locked_until < now())`,
        [windowMs],
      );
      const [, rateLimits] = await this.dataSource.query<[unknown, number]>(
        'DELETE FROM rate_limits WHERE window_end < now()',
      );
      const [, refreshTokens] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM refresh_tokens r USING sessions s
          WHERE r.session_id = s.id
            AND (s.revoked_at < now() - interval '1 day' OR s.expires_at < now() - interval '1 day')`,
      );
      const [, passwordHistory] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM password_history h USING (
           SELECT account_id, id, row_number() OVER (PARTITION BY account_id ORDER BY created_at DESC) AS n
             FROM password_history) ranked
          WHERE h.account_id = ranked.account_id AND h.id = ranked.id AND ranked.n > $1`,
        [PASSWORD_HISTORY_KEPT],
      );
      const [, emailTokens] = await this.dataSource.query<[unknown, number]>(
        'DELETE FROM email_tokens WHERE expires_at < now()',
      );
      const [, ssoCodes] = await this.dataSource.query<[unknown, number]>(
        'DELETE FROM sso_codes WHERE expires_at < now()',
      );
      const removed = {
        throttle,
        rateLimits,
        refreshTokens,
        passwordHistory,
        emailTokens,
        ssoCodes,
      };
      if (Object.values(removed).some((n) => n > 0))
        this.logger.log({ removed }, 'housekeeping removed stale rows');
      return removed;
    } catch (error) {
      this.logger.error({ err: error }, 'housekeeping failed');
      return {
        throttle: 0,
        rateLimits: 0,
        refreshTokens: 0,
        passwordHistory: 0,
        emailTokens: 0,
        ssoCodes: 0,
      };
    }
  }
}
