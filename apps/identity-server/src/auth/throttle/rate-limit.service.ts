import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { sha256 } from '#database';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { rateLimitRefusals } from '../../metrics/metrics.js';
import { addressSubject } from './client-address.js';

/** The rate limits; each name is also the `limit` label of identity_rate_limit_refusals_total. */
export type RateLimitName =
  'signup' | 'invitation' | 'email_link' | 'email_send' | 'scim_auth_token' | 'scim_auth_ip';

export interface RateLimitRule {
  /** Requests allowed per window; 0: the limit is off. */
  max: number;
  windowMinutes: number;
}

export interface RateLimitHit {
  /** Requests counted in the current window, this one included (0 when the limit is off). */
  hits: number;
  /** Over the limit: refuse. */
  limited: boolean;
  /** Seconds until the window ends. */
  retryAfter: number;
}

/**
 * Fixed-window request counters in PostgreSQL (table rate_limits), so that every instance counts
 * the same requests: one upsert per request counts it and says whether it is over the limit.
 * See docs/decisions/004-rate-limits-in-one-table.md for why not a library or process memory.
 */
@Injectable()
export class RateLimitService {
  private readonly rules: Record<RateLimitName, RateLimitRule>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.rules = {
      signup: { max: config.signupRateLimit, windowMinutes: config.signupRateWindowMinutes },
      invitation: {
        max: config.invitationRateLimit,
        windowMinutes: config.invitationRateWindowMinutes,
      },
      // Email links (verification, password reset) are looked up like invitation links...
      email_link: {
        max: config.invitationRateLimit,
        windowMinutes: config.invitationRateWindowMinutes,
      },
      // ...and asking for one sends an email, like a sign-up.
      email_send: { max: config.signupRateLimit, windowMinutes: config.signupRateWindowMinutes },
      scim_auth_token: {
        max: config.scimAuthFailuresPerToken,
        windowMinutes: config.scimAuthFailureWindowMinutes,
      },
      scim_auth_ip: {
        max: config.scimAuthFailuresPerIp,
        windowMinutes: config.scimAuthFailureWindowMinutes,
      },
    };
  }

  rule(name: RateLimitName): RateLimitRule {
    return this.rules[name];
  }

  /** Counts one request of `subject` (an address: see addressSubject) under the limit `name`. */
  async hit(name: RateLimitName, subject: string): Promise<RateLimitHit> {
    const { max, windowMinutes } = this.rules[name];
    if (max === 0) return { hits: 0, limited: false, retryAfter: 0 };
    const raw = `${name}:${subject}`;
    const key = raw.length <= 200 ? raw : `${name}:#${sha256(raw).toString('hex')}`;
    const [row]: { hits: number; retry_after: number }[] = await this.dataSource.query(
      `INSERT INTO rate_limits AS r (key, hits, window_end)
       VALUES ($1, 1, now() + $2 * interval '1 minute')
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.window_end <= now() THEN 1 ELSE LEAST(r.hits + 1, 2000000000) END,
         window_end = CASE WHEN r.window_end <= now() THEN EXCLUDED.window_end ELSE r.window_end END
       RETURNING r.hits, GREATEST(1, ceil(extract(epoch FROM r.window_end - now())))::int AS retry_after`,
      [key, windowMinutes],
    );
    const hits = row?.hits ?? 1;
    const limited = hits > max;
    if (limited) rateLimitRefusals.inc({ limit: name });
    return { hits, limited, retryAfter: row?.retry_after ?? 1 };
  }

  /** Counts one request from a client address (by addressSubject) under the limit `name`. */
  hitAddress(name: RateLimitName, ip: string | null): Promise<RateLimitHit> {
    return this.hit(name, addressSubject(ip));
  }

  /** Counts one request from a client address; past the limit throws 429 rate_limited. */
  async consume(name: RateLimitName, ip: string | null): Promise<void> {
    const hit = await this.hitAddress(name, ip);
    if (hit.limited) throw this.refusal(hit);
  }

  refusal(hit: RateLimitHit): DomainException {
    const error = new DomainException(
      ErrorCode.RateLimited,
      `Too many requests from this client: try again in ${hit.retryAfter} s`,
    );
    error.headers = { 'retry-after': String(hit.retryAfter) };
    return error;
  }
}
