import { readFileSync } from 'node:fs';
import { roleMatrixMarkdown, withRoleMatrix } from './matrix.js';

describe('published role matrix', () => {
  it('covers every built-in subject and role', () => {
    const table = roleMatrixMarkdown();
    expect(table.split('\n')).toHaveLength(15);
    expect(table).toContain('| Tenant | all | — | — | — | — | — |');
    expect(table).toContain('| ApiKey | all | — | all | — | — | — |');
    expect(table).toContain('| SsoConnection | all | — | — | — | — | — |');
    expect(table).toContain('| DecisionLog | all | — | — | — | — | — |');
    expect(table).toContain('| Resource | all | — | all | read | — | — |');
  });

  it('in the README is the one the code defines (run `npm run docs:roles` after changing roles)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(withRoleMatrix(readme)).toBe(readme);
  });
});
