import { TOTP } from 'otpauth';
import type { TestApp } from './app.js';
import { linkTokenFor } from './mail.js';

let counter = 0;
export const PASSWORD = 'correct horse battery staple';

export interface SignedUp {
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

/**
 * Signs a person up the way a person does: sign-up, the link from the verification email, then
 * verify-email, whose session is returned.
 */
export async function signup(
  t: TestApp,
  overrides: Record<string, unknown> = {},
): Promise<SignedUp> {
  counter += 1;
  const body = {
    email: `person${counter}.${process.pid}.${Date.now()}@example.com`,
    password: PASSWORD,
    displayName: `Person ${counter}`,
    ...overrides,
  };
  const res = await t.request('POST', '/api/v1/auth/signup', { token: null, body });
  if (res.status !== 202) throw new Error(`signup failed: ${res.status} ${res.text}`);
  const token = await linkTokenFor(t, String(body.email).trim(), '/verify-email');
  const verified = await verifyEmail(t, token);
  if (verified.status !== 200 || !verified.body.signedIn)
    throw new Error(`verify-email failed: ${verified.status} ${verified.text}`);
  return { email: String(body.email), password: String(body.password), ...verified.body.signedIn };
}

/** Redeems an email link (sign-up or verification). */
export function verifyEmail(t: TestApp, token: string, headers: Record<string, string> = {}) {
  return t.request('POST', '/api/v1/auth/verify-email', { token: null, body: { token }, headers });
}

export function login(
  t: TestApp,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
) {
  return t.request('POST', '/api/v1/auth/login', { token: null, body, headers });
}

/** An authenticator app, independent of the server's TOTP code: the otpauth package. */
export function authenticator(otpauthUri: string): { code: (offsetSteps?: number) => string } {
  const url = new URL(otpauthUri);
  const totp = new TOTP({
    secret: url.searchParams.get('secret') as string,
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  });
  return {
    code: (offsetSteps = 0) => totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 }),
  };
}
