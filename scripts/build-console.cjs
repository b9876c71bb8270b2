// `npm run build:console`: builds the admin console with Vite into apps/admin-console/dist,
// unless that build is newer than every source it comes from (the console's files and the lock
// file). So `npm start` and the test harness's builds leave a current console alone: a server
// already serving it would otherwise lose its files mid-run. FORCE=1 always builds.
'use strict';
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = 'apps/admin-console';
const OUT = join(ROOT, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = Math.max(
  newest(join(ROOT, 'src')),
  newest(join(ROOT, 'index.html')),
  newest(join(ROOT, 'vite.config.ts')),
  newest('package-lock.json'),
);
if (!process.env.FORCE && existsSync(OUT) && statSync(OUT).mtimeMs > sources) {
  console.log('admin console up to date (apps/admin-console/dist)');
} else {
  // Vite is ESM only; plain CommonJS so that lint needs no project for this file.
  import('vite')
    .then(({ build }) =>
      build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' }),
    )
    .then(() => console.log('built the admin console into apps/admin-console/dist'))
    .catch((error) => {
      console.error(error);
      process.exit(1);
    });
}
