import {
  assertOutboundUrl,
  OutboundResponseTooLarge,
  OutboundUrlRefused,
} from '../common/outbound-fetch.js';
import { DomainException, ErrorCode } from '../common/errors.js';
import { fieldErrors } from '../common/problem.filter.js';

/** The endpoints a connection signs in with; each must itself be a URL the server may reach. */
const REQUIRED_ENDPOINTS = ['authorization_endpoint', 'token_endpoint', 'jwks_uri'] as const;

/**
 * An issuer a connection may name: an https URL without query or fragment (OIDC Discovery §2),
 * http only to a loopback host when allowed, and not an address the server must not reach.
 * Names are resolved later, when discovery connects. Throws 400 validation_failed or
 * url_not_allowed.
 */
export function assertIssuerAllowed(issuer: string, allowLoopback: boolean): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw fieldErrors([
      { field: 'issuer', message: 'issuer must be a URL such as https://acme.okta.com' },
    ]);
  }
  if (url.search || url.hash || issuer.includes('?') || issuer.includes('#'))
    throw fieldErrors([{ field: 'issuer', message: 'issuer must not have a query or fragment' }]);
  try {
    assertOutboundUrl(url, allowLoopback);
  } catch (error) {
    if (error instanceof OutboundUrlRefused)
      throw new DomainException(
        ErrorCode.UrlNotAllowed,
        `The issuer is not allowed: ${error.reason}`,
      );
    throw error;
  }
}

function failed(reason: string): DomainException {
  return new DomainException(
    ErrorCode.OidcDiscoveryFailed,
    `The issuer's OpenID configuration is not usable: ${reason}`,
  );
}

/** A short, safe description of a network failure (no stack, no response body). */
function describe(error: unknown): string {
  const e = error as { name?: unknown; code?: unknown; message?: unknown; cause?: unknown };
  if (e?.name === 'TimeoutError') return 'the issuer did not answer in time';
  if (error instanceof OutboundResponseTooLarge) return error.message;
  const code = typeof e?.code === 'string' ? e.code : null;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the issuer host name does not resolve';
  if (code === 'ECONNREFUSED') return 'the issuer refused the connection';
  if (code) return `the issuer could not be reached (${code})`;
  return 'the issuer could not be reached';
}

/**
 * Fetches `${issuer}/.well-known/openid-configuration` with the outbound fetch and checks that it
 * is JSON naming this exact issuer, with authorization, token and JWKS endpoints the server may
 * use. Throws 422 oidc_discovery_failed with the reason, or 400 url_not_allowed when the issuer's
 * host resolves to an address the server must not reach. Never anything else.
 */
export async function checkDiscovery(
  fetcher: typeof fetch,
  issuer: string,
  allowLoopback: boolean,
): Promise<void> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  let response: Response;
  let text: string;
  try {
    response = await fetcher(url, { headers: { accept: 'application/json' } });
    text = await response.text();
  } catch (error) {
    if (error instanceof OutboundUrlRefused)
      throw new DomainException(
        ErrorCode.UrlNotAllowed,
        `The issuer is not allowed: ${error.reason}`,
      );
    throw failed(describe(error));
  }
  if (response.status !== 200)
    throw failed(
      `${url} answered HTTP ${response.status}${response.status >= 300 && response.status < 400 ? ' (redirects are not followed)' : ''}`,
    );
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw failed(`${url} did not answer JSON`);
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw failed(`${url} did not answer a JSON object`);
  const fields = document as Record<string, unknown>;
  if (fields.issuer !== issuer)
    throw failed(
      typeof fields.issuer === 'string'
        ? `the document names the issuer "${fields.issuer.slice(0, 300)}", not "${issuer}" (they must be equal, character for character)`
        : 'the document names no issuer',
    );
  for (const name of REQUIRED_ENDPOINTS) {
    const value = fields[name];
    if (typeof value !== 'string' || value === '') throw failed(`the document has no ${name}`);
    try {
      assertOutboundUrl(value, allowLoopback);
    } catch (error) {
      if (error instanceof OutboundUrlRefused)
        throw failed(`its ${name} is not allowed: ${error.reason}`);
      throw error;
    }
  }
}
