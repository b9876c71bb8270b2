/**
 * `npm run operator-key -- --rotate`: replaces the stored platform operator key and prints the new
 * one once. Restart the servers afterwards; they read the key at start. Not used when
 * PLATFORM_API_KEY is set (change the variable instead).
 */
import { issueSecret } from '#database';
import { OPERATOR_KEY_KIND } from '../auth/operator-key.service.js';
import { PlatformCredentialEntity } from '../auth/platform-credential.entity.js';
import { loadConfig } from '../config/config.js';
import { withDatabase } from './with-database.js';

if (!process.argv.includes('--rotate')) {
  console.error('usage: npm run operator-key -- --rotate');
  process.exit(2);
}
const config = loadConfig();
if (config.platformApiKey) {
  console.error(
    'PLATFORM_API_KEY is set: the operator key is that variable; change it and restart instead.',
  );
  process.exit(2);
}
await withDatabase(config, async (dataSource) => {
  const issued = issueSecret(OPERATOR_KEY_KIND);
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(PlatformCredentialEntity)
    .values({
      kind: 'operator',
      prefix: issued.prefix,
      keyHash: issued.hash,
      createdAt: new Date(),
    })
    .orUpdate(['prefix', 'key_hash', 'created_at'], ['kind'])
    .execute();
  console.log(`new platform operator key; it is shown this once, store it now: ${issued.secret}`);
  console.log(
    'restart the identity server(s) for the new key to take effect; the old key stops working then',
  );
});
