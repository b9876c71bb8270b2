import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { randomBytes } from 'node:crypto';
import { DataSource, MoreThan } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { SecretBox } from '#auth-crypto';
import { APP_CONFIG, type AppConfig } from '../../config/config.js';
import { SigningKeyEntity } from './signing-key.entity.js';

export const ACCESS_TOKEN_ALG = 'ES256';
const ROTATION_LOCK = 7_411_902_302;
const DAY_MS = 86_400_000;
/** A new key is made this long before the current one retires, so every instance knows it in time. */
const OVERLAP_MS = DAY_MS;

interface LoadedKey {
  kid: string;
  publicKey: CryptoKey;
  publicJwk: JWK;
  privateKey: CryptoKey | null;
  retireAt: Date;
  expiresAt: Date;
}

/**
 * Access-token signing keys (ES256): made and rotated in the database so every instance signs
 * with the same key and verifies every key still in use. Private keys are sealed at rest.
 */
@Injectable()
export class SigningKeysService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SigningKeys');
  private keys = new Map<string, LoadedKey>();
  private lastReload = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly box: SecretBox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.rotateIfDue();
    this.timer = setInterval(
      () =>
        void this.rotateIfDue().catch((e: unknown) =>
          this.logger.error({ err: e }, 'key rotation failed'),
        ),
      3_600_000,
    );
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** The key to sign with now. */
  current(): { kid: string; privateKey: CryptoKey } {
    // The oldest key that has not retired signs, so that a freshly made key is known everywhere
    // before it is used.
    const now = Date.now();
    const key = [...this.keys.values()].find((k) => k.retireAt.getTime() > now && k.privateKey);
    if (!key?.privateKey) throw new Error('no signing key is loaded');
    return { kid: key.kid, privateKey: key.privateKey };
  }

  /** The public key for a kid; reloads once (rate-limited) when another instance has rotated. */
  async publicKey(kid: string): Promise<CryptoKey | null> {
    const known = this.keys.get(kid);
    if (known) return known.expiresAt.getTime() > Date.now() ? known.publicKey : null;
    if (Date.now() - this.lastReload < 10_000) return null;
    await this.reload();
    return this.keys.get(kid)?.publicKey ?? null;
  }

  /** The JWKS document: every key that may still verify a token. */
  jwks(): { keys: JWK[] } {
    const now = Date.now();
    return {
      keys: [...this.keys.values()]
        .filter((k) => k.expiresAt.getTime() > now)
        .map((k) => ({ ...k.publicJwk, kid: k.kid, alg: ACCESS_TOKEN_ALG, use: 'sig' })),
    };
  }

  /** Makes a new key when the newest retires within a day; one instance at a time. */
  async rotateIfDue(): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      await em.query('SELECT pg_advisory_xact_lock($1)', [ROTATION_LOCK]);
      const newest = await em
        .getRepository(SigningKeyEntity)
        .findOne({ where: {}, order: { createdAt: 'DESC' } });
      if (newest && newest.retireAt.getTime() - Date.now() > OVERLAP_MS) return;
      const { publicKey, privateKey } = await generateKeyPair(ACCESS_TOKEN_ALG, {
        extractable: true,
      });
      const kid = randomBytes(12).toString('base64url');
      const createdAt = new Date();
      const retireAt = new Date(createdAt.getTime() + this.config.signingKeyRotationDays * DAY_MS);
      const expiresAt = new Date(
        retireAt.getTime() + (this.config.accessTokenTtlSeconds + 300) * 1000,
      );
      const row: SigningKeyEntity = {
        kid,
        alg: ACCESS_TOKEN_ALG,
        publicJwk: await exportJWK(publicKey),
        privateKey: this.box.seal(
          JSON.stringify(await exportJWK(privateKey)),
          `signing-key:${kid}`,
        ),
        createdAt,
        retireAt,
        expiresAt,
      };
      await em.insert(SigningKeyEntity, row as QueryDeepPartialEntity<SigningKeyEntity>);
      this.logger.log(
        `made a new access-token signing key ${kid}; it signs until ${retireAt.toISOString()}`,
      );
    });
    await this.reload();
  }

  private async reload(): Promise<void> {
    this.lastReload = Date.now();
    const rows = await this.dataSource
      .getRepository(SigningKeyEntity)
      .find({ where: { expiresAt: MoreThan(new Date()) }, order: { createdAt: 'ASC' } });
    const keys = new Map<string, LoadedKey>();
    for (const row of rows) {
      const previous = this.keys.get(row.kid);
      // Imported keys are reused; their dates are read afresh.
      keys.set(
        row.kid,
        previous
          ? { ...previous, retireAt: row.retireAt, expiresAt: row.expiresAt }
          : await this.load(row),
      );
    }
    this.keys = keys;
  }

  private async load(row: SigningKeyEntity): Promise<LoadedKey> {
    const publicJwk = row.publicJwk as JWK;
    let sealed: Buffer;
    try {
      sealed = this.box.open(row.privateKey, `signing-key:${row.kid}`);
    } catch (error) {
      throw new Error(
        `cannot decrypt access-token signing key ${row.kid} (${(error as Error).message}): ENCRYPTION_KEYS must still hold the key it was sealed with (key id "${row.privateKey.split('.')[1] ?? '?'}")`,
        { cause: error },
      );
    }
    const privateJwk = JSON.parse(sealed.toString('utf8')) as JWK;

    return {
      kid: row.kid,
      publicJwk,
      publicKey: (await importJWK(publicJwk, ACCESS_TOKEN_ALG)) as CryptoKey,
      privateKey: (await importJWK(privateJwk, ACCESS_TOKEN_ALG)) as CryptoKey,
      retireAt: row.retireAt,
      expiresAt: row.expiresAt,
    };
  }
}
