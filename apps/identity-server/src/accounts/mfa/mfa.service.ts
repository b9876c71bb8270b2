import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { base32Encode, generateTotpSecret, SecretBox, totpUri, verifyTotp } from '#auth-crypto';
import { newId, secretMatches, sha256 } from '#database';
import { AccountEntity } from '../account.entity.js';
import { AuditService } from '../../audit/audit.service.js';
import { LoginThrottleService } from '../../auth/index.js';
import { DomainException, ErrorCode } from '../../common/errors.js';
import { mfaChallenges } from '../../metrics/metrics.js';
import type { RequestMeta } from '../../common/principal.js';
import { RecoveryCodeEntity } from './recovery-code.entity.js';

const ISSUER = 'Identity Server';
const RECOVERY_CODES = 10;

/**
 * TOTP (RFC 6238) second factor with single-use recovery codes. Seeds are sealed at rest. Every
 * check of a code is an attempt on the account's MFA budget, reserved before the code is read:
 * six digits do not survive parallel guessing otherwise.
 */
@Injectable()
export class MfaService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    private readonly audit: AuditService,
    private readonly throttle: LoginThrottleService,
  ) {}

  /** Starts enrolment: a new seed, not active until confirmed with a code. */
  async enrol(accountId: string): Promise<{ otpauthUri: string; secret: string }> {
    return this.dataSource.transaction(async (em) => {
      const account = await lockAccount(em, accountId);
      if (account.totpConfirmedAt)
        throw new DomainException(
          ErrorCode.MfaAlreadyEnabled,
          'Disable two-factor authentication first to enrol again',
        );
      const seed = generateTotpSecret();
      await em.update(
        AccountEntity,
        { id: accountId },
        { totpSecret: this.box.seal(seed, aad(accountId)), totpLastStep: null },
      );
      return {
        otpauthUri: totpUri({ secret: seed, accountName: account.email, issuer: ISSUER }),
        secret: base32Encode(seed),
      };
    });
  }

  /** Confirms enrolment with a current code; returns ten recovery codes, shown once. */
  async confirm(
    accountId: string,
    code: string,
    meta: RequestMeta,
  ): Promise<{ recoveryCodes: string[] }> {
    return this.challenge(accountId, () => this.confirmChecked(accountId, code, meta));
  }

  private confirmChecked(
    accountId: string,
    code: string,
    meta: RequestMeta,
  ): Promise<{ recoveryCodes: string[] }> {
    return this.dataSource.transaction(async (em) => {
      const account = await lockAccount(em, accountId);
      if (account.totpConfirmedAt) throw new DomainException(ErrorCode.MfaAlreadyEnabled);
      if (!account.totpSecret)
        throw new DomainException(
          ErrorCode.MfaNotEnabled,
          'Start enrolment with POST /api/v1/me/mfa/totp first',
        );
      const result = verifyTotp(
        this.box.open(account.totpSecret, aad(accountId)),
        code,
        Date.now(),
      );
      if (!result.ok) throw new DomainException(ErrorCode.MfaInvalid);
      await em.update(
        AccountEntity,
        { id: accountId },
        { totpConfirmedAt: new Date(), totpLastStep: String(result.step) },
      );
      const recoveryCodes = await this.replaceRecoveryCodes(em, accountId);
      await this.audit.recordForAccount(em, 'mfa.enabled', accountId, meta);
      return { recoveryCodes };
    });
  }

  /** Turns MFA off after a valid code (TOTP or recovery code). */
  async disable(accountId: string, code: string, meta: RequestMeta): Promise<void> {
    await this.challenge(accountId, () => this.disableChecked(accountId, code, meta));
  }

  private async disableChecked(accountId: string, code: string, meta: RequestMeta): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const account = await lockAccount(em, accountId);
      if (!account.totpConfirmedAt) throw new DomainException(ErrorCode.MfaNotEnabled);
      if (!(await this.check(em, account, code, code)))
        throw new DomainException(ErrorCode.MfaInvalid);
      await em.update(
        AccountEntity,
        { id: accountId },
        { totpSecret: null, totpConfirmedAt: null, totpLastStep: null },
      );
      await em.delete(RecoveryCodeEntity, { accountId });
      await this.audit.recordForAccount(em, 'mfa.disabled', accountId, meta);
    });
  }

  /**
   * The second factor at sign-in: a TOTP code (each accepted once) or an unused recovery code.
   * Throws mfa_invalid (after `onFailure`, the caller's audit) or too_many_attempts.
   */
  async verifyForLogin(
    account: AccountEntity,
    totp: string | undefined,
    recoveryCode: string | undefined,
    onFailure: () => Promise<void>,
  ): Promise<void> {
    await this.challenge(account.id, async () => {
      const ok = await this.dataSource.transaction(async (em) => {
        const locked = await lockAccount(em, account.id);
        return this.check(em, locked, totp, recoveryCode);
      });
      if (!ok) {
        await onFailure();
        throw new DomainException(ErrorCode.MfaInvalid);
      }
    });
  }

  /** One attempt on the account's MFA budget, counted in identity_auth_mfa_challenges_total. */
  private async challenge<T>(accountId: string, check: () => Promise<T>): Promise<T> {
    try {
      const result = await this.throttle.attempt(
        this.throttle.accountKeys('mfa', accountId),
        [ErrorCode.MfaInvalid],
        check,
      );
      mfaChallenges.inc({ result: 'success' });
      return result;
    } catch (error) {
      if (error instanceof DomainException && error.code === ErrorCode.MfaInvalid)
        mfaChallenges.inc({ result: 'failure' });
      else if (error instanceof DomainException && error.code === ErrorCode.TooManyAttempts)
        mfaChallenges.inc({ result: 'locked' });
      throw error;
    }
  }

  /** Checks either factor under the caller's row lock, consuming what it accepts. */
  private async check(
    em: EntityManager,
    account: AccountEntity,
    totp: string | undefined,
    recoveryCode: string | undefined,
  ): Promise<boolean> {
    if (totp !== undefined && account.totpSecret) {
      const lastUsedStep = account.totpLastStep === null ? null : Number(account.totpLastStep);
      const result = verifyTotp(
        this.box.open(account.totpSecret, aad(account.id)),
        totp,
        Date.now(),
        { lastUsedStep },
      );
      if (result.ok) {
        await em.update(AccountEntity, { id: account.id }, { totpLastStep: String(result.step) });
        return true;
      }
    }
    if (recoveryCode !== undefined) {
      const normalized = normalizeRecoveryCode(recoveryCode);
      const codes = await em
        .getRepository(RecoveryCodeEntity)
        .findBy({ accountId: account.id, usedAt: IsNull() });
      const match = codes.find((c) => secretMatches(normalized, c.codeHash));
      if (match) {
        const used = await em.update(
          RecoveryCodeEntity,
          { accountId: account.id, id: match.id, usedAt: IsNull() },
          { usedAt: new Date() },
        );
        return (used.affected ?? 0) === 1;
      }
    }
    return false;
  }

  private async replaceRecoveryCodes(em: EntityManager, accountId: string): Promise<string[]> {
    await em.delete(RecoveryCodeEntity, { accountId });
    const codes = Array.from({ length: RECOVERY_CODES }, () => formatRecoveryCode(randomBytes(16)));
    await em.insert(
      RecoveryCodeEntity,
      codes.map((code) => ({
        accountId,
        id: newId(),
        codeHash: sha256(normalizeRecoveryCode(code)),
        usedAt: null,
      })),
    );
    return codes;
  }
}

function aad(accountId: string): string {
  return `totp:${accountId}`;
}

async function lockAccount(em: EntityManager, accountId: string): Promise<AccountEntity> {
  return em
    .getRepository(AccountEntity)
    .createQueryBuilder('a')
    .setLock('pessimistic_write')
    .where('a.id = :accountId', { accountId })
    .getOneOrFail();
}

/** 128 random bits as 26 base32 characters in groups: easy to read out and type. */
function formatRecoveryCode(bytes: Buffer): string {
  return base32Encode(bytes)
    .toLowerCase()
    .match(/.{1,5}/g)!
    .join('-');
}

function normalizeRecoveryCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z2-7]/g, '');
}
