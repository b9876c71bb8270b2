import { CONTENT_SECURITY_POLICY, securityHeaders } from './security-headers.js';

describe('security headers', () => {
  it('send HSTS only when the public URL is https', () => {
    const names = (url: string) => securityHeaders(url).map(([name]) => name);
    expect(names('http://localhost:3000')).not.toContain('strict-transport-security');
    expect(names('https://id.example.com')).toContain('strict-transport-security');
  });

  it('have a CSP without inline or evaluated scripts and without framing', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
  });
});
