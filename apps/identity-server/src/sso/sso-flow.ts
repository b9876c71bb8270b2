import type { FastifyReply, FastifyRequest } from 'fastify';
import { SecretBox, SecretBoxError } from '#auth-crypto';
import { cookieValue } from '../common/cookies.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import type { SsoProvider } from './external-identity.js';

/** A sign-in in progress lives this long between the redirect out and the callback. */
export const FLOW_TTL_SECONDS = 600;
const AAD = 'sso-flow-v1';

/**
 * What travels, encrypted (AES-256-GCM with the server's keys) and short-lived, in the browser's
 * cookie between the start of a sign-in and its callback: the provider, the invitation and
 * returnTo of the start, the account being linked, and the strategy's own state (state, nonce
 * and PKCE verifier). Nothing in it is readable or changeable by the browser.
 */
export interface SsoFlow {
  provider: SsoProvider;
  connectionId: string | null;
  /** The organization whose OIDC connection this is: its audit trail records the outcome too. */
  connectionTenantId?: string | null;
  invitation: string | null;
  returnTo: string;
  linkAccountId: string | null;
  /** The strategy's req.session: its state, nonce and code_verifier. */
  passport: Record<string, unknown>;
  /** Expiry, ms since the epoch. */
  exp: number;
}

export function flowCookieName(secure: boolean): string {
  // __Host-: the browser refuses it unless Secure, Path=/ and no Domain, so no sibling can set it.
  return secure ? '__Host-sso_flow' : 'sso_flow';
}

export function sealFlow(box: SecretBox, flow: SsoFlow): string {
  return box.seal(JSON.stringify(flow), AAD);
}

/** The flow of this callback, or sso_state_invalid when it is missing, altered or expired. */
export function openFlow(box: SecretBox, request: FastifyRequest, secure: boolean): SsoFlow {
  const sealed = cookieValue(request.headers.cookie, flowCookieName(secure));
  if (!sealed)
    throw new DomainException(
      ErrorCode.SsoStateInvalid,
      'No sign-in is in progress in this browser (cookies blocked, or another tab finished it): start again',
    );
  let flow: SsoFlow;
  try {
    flow = JSON.parse(box.open(sealed, AAD).toString('utf8')) as SsoFlow;
  } catch (error) {
    if (error instanceof SecretBoxError || error instanceof SyntaxError)
      throw new DomainException(ErrorCode.SsoStateInvalid, 'The sign-in state was altered');
    throw error;
  }
  if (typeof flow.exp !== 'number' || flow.exp <= Date.now())
    throw new DomainException(ErrorCode.SsoStateInvalid, 'The sign-in took too long: start again');
  return flow;
}

export function setFlowCookie(reply: FastifyReply, value: string, secure: boolean): void {
  reply.header('set-cookie', flowCookie(value, FLOW_TTL_SECONDS, secure));
}

export function clearFlowCookie(reply: FastifyReply, secure: boolean): void {
  reply.header('set-cookie', flowCookie('', 0, secure));
}

function flowCookie(value: string, maxAge: number, secure: boolean): string {
  // Lax: sent on the top-level redirect back from the provider, never on cross-site subrequests.
  return [
    `${flowCookieName(secure)}=${value}`,
    'Path=/',
    `Max-Age=${maxAge}`,
    'HttpOnly',
    'SameSite=Lax',
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

/**
 * returnTo must be a path on this server: no scheme, no host, no `//` or `/\` (which browsers
 * read as another host). Absolute URLs are accepted only when their origin is PUBLIC_URL's.
 */
export function checkReturnTo(raw: unknown, publicUrl: string): string {
  if (raw === undefined || raw === '') return '/';
  const refuse = (why: string) =>
    new DomainException(ErrorCode.ReturnToInvalid, `returnTo ${why}`, [
      { field: 'returnTo', message: why },
    ]);
  if (typeof raw !== 'string') throw refuse('must be a string');
  if (raw.length > 2048) throw refuse('is longer than 2048 characters');
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) throw refuse('has a control character or a backslash');
  const base = new URL(publicUrl);
  let target: URL;
  try {
    target = new URL(raw, base);
  } catch {
    throw refuse('is not a URL');
  }
  const relative = raw.startsWith('/') && !raw.startsWith('//');
  if (target.origin !== base.origin || (!relative && !raw.startsWith(base.origin + '/')))
    throw refuse('must be a path on this server');
  return `${target.pathname}${target.search}${target.hash}`;
}

/** returnTo with the given parameters added (the code, or an error). */
export function withParams(returnTo: string, params: Record<string, string>): string {
  const url = new URL(returnTo, 'http://x');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}${url.hash}`;
}
