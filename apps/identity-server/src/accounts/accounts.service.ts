import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { newId } from '#database';
import { AuditService, PLATFORM_AUDIT_TENANT } from '../audit/audit.service.js';
import { MfaService } from './mfa/mfa.service.js';
import { PasswordService } from '../auth/index.js';
import type { RequestMeta } from '../common/principal.js';
import { SessionsService, type TokenPair } from '../auth/index.js';
import { LoginThrottleService } from '../auth/index.js';
import { conflictOf } from '../common/db-errors.js';
import { diff } from '../common/diff.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { fieldErrors } from '../common/problem.filter.js';
import { mfaChallenges, signIns } from '../metrics/metrics.js';
import { AccountIdentityEntity } from './account-identity.entity.js';
import { AccountEntity, newAccount } from './account.entity.js';
import { MembershipsService, type TenantOfAccount } from '../members/index.js';
import type { ChangePasswordDto, LoginDto, UpdateProfileDto } from './dto/account.dto.js';

export interface ProfileView {
  id: string;
  email: string;
  emailVerified: boolean;
  displayName: string;
  avatarUrl: string | null;
  timezone: string;
  notificationPrefs: AccountEntity['notificationPrefs'];
  mfaEnabled: boolean;
  signInMethods: string[];
  tenants: TenantOfAccount[];
  createdAt: string;
}

/** How a refused password sign-in counts in identity_auth_sign_ins_total. */
const SIGN_IN_RESULTS: Partial<Record<ErrorCode, 'failure' | 'locked' | 'mfa_required'>> = {
  [ErrorCode.InvalidCredentials]: 'failure',
  [ErrorCode.MfaInvalid]: 'failure',
  [ErrorCode.TooManyAttempts]: 'locked',
  [ErrorCode.MfaRequired]: 'mfa_required',
};

const SUPPORTED_TIMEZONES = new Set(Intl.supportedValuesOf('timeZone'));

@Injectable()
export class AccountsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly passwords: PasswordService,
    private readonly sessions: SessionsService,
    private readonly throttle: LoginThrottleService,
    private readonly mfa: MfaService,
    private readonly memberships: MembershipsService,
  ) {}

  /**
   * Creates a password account whose email was just proved by a link (sign-up confirmed): the
   * account, its `password` identity, the password hash chosen at sign-up, `account.created`.
   * The caller holds the transaction; another account with the email fails with email_taken.
   */
  async createVerified(
    em: EntityManager,
    input: { email: string; displayName: string; passwordHash: string },
    meta: RequestMeta,
  ): Promise<AccountEntity> {
    const account = newAccount(
      newId(),
      { email: input.email, emailVerified: true, displayName: input.displayName },
      new Date(),
    );
    try {
      await em.insert(AccountEntity, account);
    } catch (error) {
      throw conflictOf(error) ?? error;
    }
    await this.addPasswordIdentity(em, account.id);
    await this.passwords.setHash(em, account.id, input.passwordHash);
    await this.audit.recordForAccount(em, 'account.created', account.id, meta, {
      after: { email: account.email, displayName: account.displayName, emailVerified: true },
    });
    return account;
  }

  /** The account with this email (lower-cased), if any. */
  byEmail(em: EntityManager, email: string, lock = false): Promise<AccountEntity | null> {
    const query = em
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where('lower(a.email) = :email', { email: email.toLowerCase() });
    return (lock ? query.setLock('pessimistic_write') : query).getOne();
  }

  /** The account, locked for the rest of the transaction. */
  lock(em: EntityManager, accountId: string): Promise<AccountEntity | null> {
    return em
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .setLock('pessimistic_write')
      .where('a.id = :accountId', { accountId })
      .getOne();
  }

  /**
   * Marks the account's email verified (the person proved the mailbox) and links the members
   * provisioned over SCIM for it. Audits `email.verified` when it was not verified yet.
   */
  async markEmailVerified(
    em: EntityManager,
    account: AccountEntity,
    meta: RequestMeta,
  ): Promise<AccountEntity> {
    const verified = { ...account, emailVerified: true };
    if (!account.emailVerified) {
      await em.update(
        AccountEntity,
        { id: account.id },
        { emailVerified: true, updatedAt: new Date() },
      );
      await this.audit.recordForAccount(em, 'email.verified', account.id, meta, {
        before: { emailVerified: false },
        after: { email: account.email, emailVerified: true },
      });
    }
    await this.linkProvisioned(em, verified, meta);
    return verified;
  }

  /**
   * Removes the provider identities of an account whose email they never vouched for: used when
   * the mailbox's owner proves the address (a reset link), so an identity that claimed the
   * address without proof cannot keep a way into the account.
   */
  async dropUnprovenIdentities(
    em: EntityManager,
    accountId: string,
    meta: RequestMeta,
  ): Promise<void> {
    const result: unknown[] = await em.query(
      `DELETE FROM account_identities
        WHERE account_id = $1 AND provider <> 'password' AND NOT email_verified
        RETURNING id, provider`,
      [accountId],
    );
    // TypeORM answers a DELETE … RETURNING as [rows, count].
    const dropped = (Array.isArray(result[0]) ? result[0] : result) as {
      id: string;
      provider: string;
    }[];
    for (const identity of dropped) {
      await this.audit.recordForAccount(em, 'identity.unlinked', accountId, meta, {
        before: { identityId: identity.id, provider: identity.provider },
        after: { reason: 'email_proven_by_reset' },
      });
    }
  }

  /** A `password` identity for the account, unless it has one (an SSO-only account gets one). */
  async addPasswordIdentity(em: EntityManager, accountId: string): Promise<void> {
    await em
      .createQueryBuilder()
      .insert()
      .into(AccountIdentityEntity)
      .values(passwordIdentity(accountId, new Date()))
      .orIgnore()
      .execute();
  }

  /**
   * Password sign-in. The answer and its timing do not tell whether the email exists; every
   * outcome is an audit event (the login history). The attempt is reserved on the account and the
   * client address before the password is checked, and the second factor's on the account's MFA
   * budget before the code is: past a limit, 429 without checking anything.
   */
  async login(dto: LoginDto, meta: RequestMeta): Promise<TokenPair> {
    try {
      const signedIn = await this.throttle.attempt(
        this.throttle.loginKeys(dto.email, meta.ip),
        [ErrorCode.InvalidCredentials, ErrorCode.MfaInvalid],
        () => this.checkLogin(dto, meta),
      );
      signIns.inc({ method: 'password', result: 'success' });
      return signedIn;
    } catch (error) {
      if (error instanceof DomainException) {
        const result = SIGN_IN_RESULTS[error.code];
        if (result) signIns.inc({ method: 'password', result });
      }
      throw error;
    }
  }

  private async checkLogin(dto: LoginDto, meta: RequestMeta): Promise<TokenPair> {
    const account = await this.dataSource
      .getRepository(AccountEntity)
      .createQueryBuilder('a')
      .where('lower(a.email) = :email', { email: dto.email })
      .getOne();
    const hash = account ? await this.passwords.current(this.dataSource.manager, account.id) : null;
    const passwordOk = await this.passwords.verify(hash, dto.password);
    if (!account || !passwordOk || account.status !== 'active') {
      await this.failed(account?.id ?? null, dto.email, 'invalid_credentials', meta);
      throw new DomainException(ErrorCode.InvalidCredentials);
    }
    const mfaEnabled = account.totpConfirmedAt !== null;
    if (mfaEnabled) {
      if (dto.totp === undefined && dto.recoveryCode === undefined) {
        mfaChallenges.inc({ result: 'required' });
        throw new DomainException(
          ErrorCode.MfaRequired,
          'Send the code from your authenticator app as totp',
        );
      }
      await this.mfa.verifyForLogin(account, dto.totp, dto.recoveryCode, () =>
        this.failed(account.id, dto.email, 'mfa_invalid', meta),
      );
    }
    return this.dataSource.transaction(async (em) => {
      await this.audit.recordForAccount(em, 'auth.login.succeeded', account.id, meta, {
        after: {
          method: 'password',
          mfa: mfaEnabled,
          ...(dto.recoveryCode !== undefined ? { recoveryCode: true } : {}),
        },
      });
      await this.linkProvisioned(em, account, meta);
      return this.sessions.open(em, account, 'password', mfaEnabled, meta);
    });
  }

  /** Members provisioned over SCIM for this verified email become this account's. */
  private linkProvisioned(
    em: EntityManager,
    account: AccountEntity,
    meta: RequestMeta,
  ): Promise<void> {
    return this.memberships.linkVerifiedEmail(em, account, meta);
  }

  async profile(accountId: string): Promise<ProfileView> {
    const account = await this.dataSource.getRepository(AccountEntity).findOneBy({ id: accountId });
    if (!account) throw new DomainException(ErrorCode.Unauthenticated);
    const identities = await this.dataSource
      .getRepository(AccountIdentityEntity)
      .findBy({ accountId });
    return {
      id: account.id,
      email: account.email,
      emailVerified: account.emailVerified,
      displayName: account.displayName,
      avatarUrl: account.avatarUrl,
      timezone: account.timezone,
      notificationPrefs: account.notificationPrefs,
      mfaEnabled: account.totpConfirmedAt !== null,
      signInMethods: [...new Set(identities.map((i) => i.provider))].sort(),
      tenants: await this.memberships.tenantsOf(accountId),
      createdAt: account.createdAt.toISOString(),
    };
  }

  async updateProfile(
    accountId: string,
    dto: UpdateProfileDto,
    meta: RequestMeta,
  ): Promise<ProfileView> {
    if (
      dto.timezone !== undefined &&
      !SUPPORTED_TIMEZONES.has(dto.timezone) &&
      dto.timezone !== 'UTC'
    ) {
      throw fieldErrors([
        { field: 'timezone', message: `"${dto.timezone}" is not an IANA time zone` },
      ]);
    }
    await this.dataSource.transaction(async (em) => {
      const current = await em
        .getRepository(AccountEntity)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .where('a.id = :accountId', { accountId })
        .getOneOrFail();
      const next = {
        displayName: dto.displayName ?? current.displayName,
        avatarUrl: dto.avatarUrl === undefined ? current.avatarUrl : dto.avatarUrl,
        timezone: dto.timezone ?? current.timezone,
        notificationPrefs: {
          ...current.notificationPrefs,
          ...stripUndefined(dto.notificationPrefs ?? {}),
        },
      };
      const changes = diff(
        {
          displayName: current.displayName,
          avatarUrl: current.avatarUrl,
          timezone: current.timezone,
          notificationPrefs: current.notificationPrefs,
        },
        next,
      );
      if (Object.keys(changes.after).length === 0) return;
      await em.update(AccountEntity, { id: accountId }, { ...next, updatedAt: new Date() });
      await this.audit.recordForAccount(em, 'account.updated', accountId, meta, changes);
    });
    return this.profile(accountId);
  }

  /** Changes the password and signs out every other session of the account. */
  async changePassword(
    accountId: string,
    sessionId: string | null,
    dto: ChangePasswordDto,
    meta: RequestMeta,
  ): Promise<void> {
    const policy = await this.passwords.policyFor(accountId);
    // Reserved before the check: a stolen session cannot guess the password in parallel.
    await this.throttle.attempt(
      this.throttle.accountKeys('password', accountId),
      [ErrorCode.InvalidCredentials],
      async () => {
        const current = await this.passwords.current(this.dataSource.manager, accountId);
        if (!(await this.passwords.verify(current, dto.currentPassword))) {
          throw new DomainException(
            ErrorCode.InvalidCredentials,
            'The current password is not correct',
          );
        }
      },
    );
    this.passwords.assertAcceptable(dto.newPassword, policy, 'newPassword');
    await this.dataSource.transaction(async (em) => {
      await this.passwords.set(em, accountId, dto.newPassword, policy, 'newPassword');
      const revoked = await this.sessions.revokeOthers(
        em,
        accountId,
        sessionId,
        'password_changed',
      );
      await this.audit.recordForAccount(em, 'password.changed', accountId, meta, {
        after: { otherSessionsRevoked: revoked },
      });
    });
  }

  private failed(
    accountId: string | null,
    email: string,
    reason: string,
    meta: RequestMeta,
  ): Promise<void> {
    return this.recordFailedSignIn(accountId, 'password', reason, meta, email);
  }

  /** A refused sign-in in the login history (`auth.login.failed`), whatever the method. */
  async recordFailedSignIn(
    accountId: string | null,
    method: string,
    reason: string,
    meta: RequestMeta,
    email?: string,
  ): Promise<void> {
    await this.dataSource.transaction((em) =>
      this.audit.record(em, {
        tenantId: PLATFORM_AUDIT_TENANT,
        type: 'auth.login.failed',
        actor: { type: 'anonymous', id: meta.ip ?? 'unknown' },
        target: { type: 'account', id: accountId ?? 'unknown' },
        meta,
        changes: {
          after: { method, reason, ...(email !== undefined ? { email: email.slice(0, 254) } : {}) },
        },
      }),
    );
  }
}

/** The `password` identity of an account (its subject is the account id). */
export function passwordIdentity(accountId: string, now: Date): AccountIdentityEntity {
  return {
    id: newId(),
    provider: 'password',
    subject: accountId,
    accountId,
    directoryId: null,
    email: null,
    emailVerified: false,
    username: null,
    createdAt: now,
    lastUsedAt: null,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
