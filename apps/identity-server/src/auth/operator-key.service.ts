import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { issueSecret, secretMatches, sha256, type PresentedSecret } from '#database';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { PlatformCredentialEntity } from './platform-credential.entity.js';

export const OPERATOR_KEY_KIND = 'op';

/**
 * The platform operator key: PLATFORM_API_KEY when set, otherwise one generated on the first
 * start, stored as a SHA-256 hash, and printed once.
 */
@Injectable()
export class OperatorKeyService implements OnApplicationBootstrap {
  private readonly logger = new Logger('OperatorKey');
  private hash: Buffer | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.platformApiKey) {
      this.hash = sha256(this.config.platformApiKey);
      this.logger.log('operator key: using PLATFORM_API_KEY');
      return;
    }
    this.hash = await this.loadOrGenerate();
  }

  matches(credential: PresentedSecret): boolean {
    return this.hash !== null && secretMatches(credential, this.hash);
  }

  private async loadOrGenerate(): Promise<Buffer> {
    const repo = this.dataSource.getRepository(PlatformCredentialEntity);
    const existing = await repo.findOneBy({ kind: 'operator' });
    if (existing) {
      this.logger.log(
        `operator key: using the stored key ${OPERATOR_KEY_KIND}_${existing.prefix}_… (created ${existing.createdAt.toISOString()})`,
      );
      return existing.keyHash;
    }
    const issued = issueSecret(OPERATOR_KEY_KIND);
    // Several instances may start together: only the one whose insert lands prints its key.
    const result = await repo
      .createQueryBuilder()
      .insert()
      .values({
        kind: 'operator',
        prefix: issued.prefix,
        keyHash: issued.hash,
        createdAt: new Date(),
      })
      .orIgnore()
      .returning(['kind'])
      .execute();
    if ((result.raw as unknown[]).length === 0)
      return (await repo.findOneByOrFail({ kind: 'operator' })).keyHash;
    this.logger.warn(operatorKeyBanner(issued.secret));
    return issued.hash;
  }
}

/**
 * The first-start key as a box that stands out in a terminal, yet one log entry (one JSON line,
 * with the line breaks escaped). Its first line is the sentence scripts grep for.
 */
export function operatorKeyBanner(secret: string): string {
  const lines = [
    'PLATFORM OPERATOR KEY: shown this once, never again',
    '',
    secret,
    '',
    'Store it now (a password manager or secret store). It is the Bearer',
    'credential of the platform API; `npm run operator-key -- --rotate`',
    'makes a new one if it is lost.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '#'.repeat(width + 4);
  return [
    `generated the platform operator key; it is shown this once, store it now: ${secret}`,
    bar,
    ...lines.map((l) => `# ${l.padEnd(width)} #`),
    bar,
  ].join('\n');
}
