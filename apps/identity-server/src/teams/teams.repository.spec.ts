import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('..', import.meta.url));

/** SQL naming the tables, or TypeORM reaching them through their entities. */
const SQL = /\b(from|join|into|update|delete\s+from)\s+"?(teams|team_members)\b/i;
const ORM =
  /\b(getRepository|insert|update|delete|upsert|findOneBy|findBy|findOne|find)\(\s*Team(Member)?Entity\b/;

/**
 * Read models that join the tables without changing them: the policy snapshot (team grants up
 * the tree) and the SCIM filter's `members` attribute. The SCIM list's `teams t` is one too.
 */
const READ_MODELS = ['policy/policy.service.ts', 'scim/scim-attributes.ts'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('the teams and team_members tables', () => {
  it('are queried only by the teams repository (and read models that say so)', () => {
    const touching = sources(SRC)
      .filter((path) => {
        // Comments may name the tables; code may not.
        const text = readFileSync(path, 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        return SQL.test(text) || ORM.test(text);
      })
      .map((path) => relative(SRC, path).split('\\').join('/'))
      .sort();
    expect(touching).toEqual(['teams/teams.repository.ts', ...READ_MODELS].sort());
  });
});
