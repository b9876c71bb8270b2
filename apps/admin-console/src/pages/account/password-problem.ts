import { ApiError } from '../../api/client.js';

/**
 * A refused password (weak_password names every rule it breaks, password_reused): the server's
 * words, shown at the password field rather than above the form.
 */
export function passwordProblem(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null;
  return error.code === 'weak_password' || error.code === 'password_reused' ? error.message : null;
}

/** Mantine's dimmed description grey fails WCAG AA contrast on white; gray.7 passes. */
export const readableDescription = { description: { color: 'var(--mantine-color-gray-7)' } };
