/**
 * The headers every answer carries, errors and 404s included. The Content-Security-Policy is the
 * one the Swagger UI at /docs needs and no more (its scripts and stylesheet are files from
 * 'self'; it has inline <style> blocks and style attributes, and data: images in its CSS; "Try it
 * out" calls the API on the same origin), and the same policy serves the admin console, a
 * single-page application built to files served from the same origin. Images may also come from
 * any https: origin: the console shows the avatar a person set, a URL of their choosing
 * (Referrer-Policy: no-referrer keeps the page's address from that origin).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Two years, as browsers' preload lists ask; sent only when the server is reached over HTTPS. */
export const HSTS = 'max-age=63072000';

export function securityHeaders(publicUrl: string): [string, string][] {
  const headers: [string, string][] = [
    ['x-content-type-options', 'nosniff'],
    ['x-frame-options', 'DENY'],
    ['content-security-policy', CONTENT_SECURITY_POLICY],
    ['referrer-policy', 'no-referrer'],
    ['cross-origin-opener-policy', 'same-origin'],
    ['cross-origin-resource-policy', 'same-origin'],
  ];
  if (publicUrl.startsWith('https://')) headers.push(['strict-transport-security', HSTS]);
  return headers;
}

/**
 * Answers that may carry a secret (tokens, keys, one-time codes) must not be kept by a browser
 * or a proxy: every answer is `no-store` unless its handler chose a policy itself (the public
 * JWKS, the static files of /docs).
 */
export const NO_STORE = 'no-store';
