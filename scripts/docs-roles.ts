/** Rewrites the role matrix section of README.md from libs/policy: `npm run docs:roles`. */
import { readFile, writeFile } from 'node:fs/promises';
import { withRoleMatrix } from '#policy';

const path = new URL('../../README.md', import.meta.url);
await writeFile(path, withRoleMatrix(await readFile(path, 'utf8')));
console.log('README.md: role matrix updated');
