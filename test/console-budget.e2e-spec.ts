import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const DIST = 'apps/admin-console/dist';
const BUDGET_GZIP_BYTES = 250 * 1024;

describe("the admin console's initial JavaScript", () => {
  it('fits the 250 KB gzip budget (npm run build writes it)', async () => {
    const html = await readFile(`${DIST}/index.html`, 'utf8');
    const scripts = [...html.matchAll(/<script[^>]+src="\/([^"]+\.js)"/g)].map(
      (m) => m[1] as string,
    );
    expect(scripts.length).toBeGreaterThan(0);
    let total = 0;
    for (const script of scripts)
      total += gzipSync(await readFile(`${DIST}/${script}`), { level: 9 }).length;
    console.log(`admin console initial JavaScript: ${(total / 1024).toFixed(1)} KB gzip`);
    expect(total).toBeLessThan(BUDGET_GZIP_BYTES);
  });
});
