import { Global, Logger, Module } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseKeyring, SecretBox } from '#auth-crypto';
import { APP_CONFIG, type AppConfig } from '../config/config.js';

const KEY_FILE = 'encryption-keys';

/**
 * The SecretBox for secrets at rest, keyed by ENCRYPTION_KEYS. Without it, a key is generated on
 * first start into DATA_DIR — fine for one server; set ENCRYPTION_KEYS when several share a
 * database, or they cannot read each other's secrets.
 */
async function createSecretBox(config: AppConfig): Promise<SecretBox> {
  if (config.encryptionKeys) return new SecretBox(parseKeyring(config.encryptionKeys));
  const logger = new Logger('Crypto');
  const file = join(resolve(config.dataDir), KEY_FILE);
  let value: string;
  try {
    value = (await readFile(file, 'utf8')).trim();
  } catch {
    value = `k1:${randomBytes(32).toString('base64')}`;
    await mkdir(resolve(config.dataDir), { recursive: true, mode: 0o700 });
    await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => {
      value = (await readFile(file, 'utf8')).trim();
    });
    logger.warn(
      `ENCRYPTION_KEYS is not set: generated an encryption key in ${file}; set ENCRYPTION_KEYS when several servers share the database`,
    );
  }
  return new SecretBox(parseKeyring(value));
}

@Global()
@Module({
  providers: [{ provide: SecretBox, useFactory: createSecretBox, inject: [APP_CONFIG] }],
  exports: [SecretBox],
})
export class CryptoModule {}
