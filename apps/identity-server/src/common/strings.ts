import { DomainException, ErrorCode, type FieldError } from './errors.js';

/** String.prototype.isWellFormed (ES2024, in Node 20) is not in the ES2023 lib the build uses. */
interface WellFormed {
  isWellFormed(): boolean;
}

/**
 * Texts the server cannot store: PostgreSQL refuses NUL (0x00) in text and jsonb, and an
 * unpaired UTF-16 surrogate has no UTF-8 encoding (jsonb refuses `\ud800`). Both are refused at
 * the edge, naming the field, rather than failing deep in a query.
 */
export function stringProblem(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (!(value as unknown as WellFormed).isWellFormed())
    return 'contains an unpaired UTF-16 surrogate';
  return null;
}

/** At most this many bad fields are named; the rest would only make the answer bigger. */
const MAX_REPORTED = 20;

function joinPath(parent: string, key: string | number): string {
  if (parent === '') return String(key);
  return `${parent}.${key}`;
}

/**
 * Every string of a parsed JSON value (keys included) that `stringProblem` refuses, named by its
 * dotted path (`members.0.email`) after `prefix`. Iterative, so no depth of value overflows the
 * stack; each value is visited once.
 */
export function badStrings(value: unknown, prefix = ''): FieldError[] {
  const found: FieldError[] = [];
  const stack: [unknown, string][] = [[value, prefix]];
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const [current, path] = stack.pop() as [unknown, string];
    if (typeof current === 'string') {
      const problem = stringProblem(current);
      if (problem) found.push({ field: path || '(body)', message: problem });
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--)
        stack.push([current[i], joinPath(path, i)] as [unknown, string]);
    } else if (current !== null && typeof current === 'object') {
      const keys = Object.keys(current);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const keyProblem = stringProblem(key);
        if (keyProblem) {
          found.push({ field: joinPath(path, key), message: `the field name ${keyProblem}` });
          continue;
        }
        stack.push([(current as Record<string, unknown>)[key], joinPath(path, key)]);
      }
    }
  }
  return found;
}

export function invalidStrings(errors: FieldError[]): DomainException {
  return new DomainException(
    ErrorCode.InvalidString,
    'Texts may not contain NUL characters or unpaired UTF-16 surrogates',
    errors,
  );
}
