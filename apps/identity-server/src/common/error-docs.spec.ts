import { readFileSync } from 'node:fs';
import { errorCodesMarkdown, withErrorCodes } from './error-docs.js';
import { ErrorCode } from './errors.js';

describe('published error codes', () => {
  it('list every code of the catalog with its status', () => {
    const table = errorCodesMarkdown();
    expect(table.split('\n')).toHaveLength(Object.values(ErrorCode).length + 2);
    expect(table).toContain('| `too_many_attempts` | 429 | Too many failed attempts |');
    expect(table).toContain('| `role_in_use` | 409 |');
  });

  it('in the README are the ones the catalog defines (run `npm run docs:errors` after changing it)', () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    expect(withErrorCodes(readme)).toBe(readme);
  });
});
