/** Rewrites the error code section of README.md from the error catalog: `npm run docs:errors`. */
import { readFile, writeFile } from 'node:fs/promises';
import { withErrorCodes } from '../apps/identity-server/src/common/error-docs.js';

const path = new URL('../../README.md', import.meta.url);
await writeFile(path, withErrorCodes(await readFile(path, 'utf8')));
console.log('README.md: error codes updated');
