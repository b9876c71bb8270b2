import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema.js';

/** An RFC 9457 problem as the server answers it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
}

/** Thrown for every non-2xx answer; the pages show its `message` in place. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
  }

  get code(): string | undefined {
    return this.problem.code;
  }
}

/**
 * The access token lives in memory only; the refresh token is an httpOnly cookie the server sets
 * when the console asks (X-Refresh-Cookie), never readable by scripts.
 */
let accessToken: string | null = null;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function setAccessToken(token: string | null): void {
  accessToken = token;
  for (const listener of listeners) listener(token !== null);
}

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function hasAccessToken(): boolean {
  return accessToken !== null;
}

/** Trades the refresh cookie for a new access token; false when there is no live session. */
export function refreshSession(): Promise<boolean> {
  refreshing ??= fetch('/api/v1/auth/refresh', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-refresh-cookie': '1' },
    body: '{}',
    credentials: 'same-origin',
  })
    .then(async (res) => {
      if (!res.ok) {
        setAccessToken(null);
        return false;
      }
      const body = (await res.json()) as { accessToken: string };
      setAccessToken(body.accessToken);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

const auth: Middleware = {
  onRequest({ request }) {
    request.headers.set('x-refresh-cookie', '1');
    if (accessToken && !request.headers.has('authorization'))
      request.headers.set('authorization', `Bearer ${accessToken}`);
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(auth);

/**
 * Unwraps an openapi-fetch answer: the data, or an ApiError with the server's problem. A 401
 * with an expired access token is retried once after refreshing the session.
 */
export async function call<T>(
  run: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  return (await answer(run)).data;
}

/**
 * Saves a file the server answers (`parseAs: 'blob'`) under the name its Content-Disposition
 * gives: the request carries the in-memory access token like any other, so a plain link cannot.
 */
export async function download(
  run: () => Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallbackName: string,
): Promise<void> {
  const { data, response } = await answer(run);
  const disposition = response.headers.get('content-disposition') ?? '';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(data);
  link.download = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the object URL is released once it has been read.
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

async function answer<T>(
  run: () => Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<{ data: T; response: Response }> {
  let result = await run();
  if (result.response.status === 401 && accessToken !== null && (await refreshSession())) {
    result = await run();
  }
  if (result.response.ok) return { data: result.data as T, response: result.response };
  const problem = result.error && typeof result.error === 'object' ? (result.error as Problem) : {};
  throw new ApiError(result.response.status, problem);
}
