import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Server } from 'oauth2-mock-server';

/** Who signs in at the provider next (the mock has no login page: it answers at once). */
export interface IdpUser {
  sub?: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  /** Entra: the directory and the object id. */
  tid?: string;
  oid?: string;
  preferred_username?: string;
  xms_edov?: boolean;
  amr?: string[];
  /** Entra: sign the token with this issuer instead of the user's own directory's. */
  iss?: string;
  /** Extra claims. */
  [claim: string]: unknown;
}

export interface LocalIdp {
  /** GOOGLE_ISSUER, MICROSOFT_AUTHORITY or an OIDC connection's issuer. */
  url: string;
  /** The next sign-in is this person. */
  next(user: IdpUser): void;
  /** The next authorization answers ?error=… instead of a code. */
  failNext(error: string, description?: string): void;
  close(): Promise<void>;
}

/**
 * oauth2-mock-server 8 (the 9.x line needs Node 22) as the tests' identity providers: it checks
 * PKCE and signs real RS256 tokens; these helpers choose who signs in and add the providers'
 * claims. `kind: 'entra'` puts a front server before it that serves Microsoft's multi-tenant
 * discovery at /common/v2.0 (issuer `{base}/{tenantid}/v2.0`) and signs each token with the
 * issuer of the user's own `tid`, as Entra ID does.
 */
export async function startIdp(kind: 'google' | 'entra' | 'oidc'): Promise<LocalIdp> {
  const mock = new OAuth2Server();
  await mock.issuer.keys.generate('RS256');
  await mock.start(0, '127.0.0.1');
  const mockUrl = mock.issuer.url as string;
  let front: Server | null = null;
  let base = mockUrl;
  if (kind === 'entra') {
    front = createServer((req, res) => {
      if (req.url === '/common/v2.0/.well-known/openid-configuration') {
        void fetch(`${mockUrl}/.well-known/openid-configuration`)
          .then((r) => r.json() as Promise<Record<string, unknown>>)
          .then((doc) => {
            const rewritten = JSON.parse(JSON.stringify(doc).split(mockUrl).join(base));
            rewritten.issuer = `${base}/{tenantid}/v2.0`;
            res.setHeader('content-type', 'application/json');
            res.end(JSON.stringify(rewritten));
          });
        return;
      }
      const upstream = httpRequest(
        `${mockUrl}${req.url}`,
        { method: req.method, headers: { ...req.headers, host: new URL(mockUrl).host } },
        (answer) => {
          const headers = { ...answer.headers };
          if (typeof headers.location === 'string')
            headers.location = headers.location.split(mockUrl).join(base);
          res.writeHead(answer.statusCode ?? 502, headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  }

  const byCode = new Map<string, IdpUser>();
  const byAccessToken = new Map<string, IdpUser>();
  let upcoming: IdpUser = { sub: 'nobody' };
  let failure: { error: string; description?: string } | null = null;

  mock.service.on('beforeAuthorizeRedirect', (redirect: { url: URL }) => {
    if (failure) {
      redirect.url.searchParams.delete('code');
      redirect.url.searchParams.set('error', failure.error);
      if (failure.description)
        redirect.url.searchParams.set('error_description', failure.description);
      failure = null;
      return;
    }
    const code = redirect.url.searchParams.get('code');
    if (code) byCode.set(code, upcoming);
  });
  mock.service.on(
    'beforeTokenSigning',
    (token: { payload: Record<string, unknown> }, req: { body?: { code?: string } }) => {
      const user = (req.body?.code && byCode.get(req.body.code)) || upcoming;
      const { iss, ...claims } = user;
      Object.assign(token.payload, claims);
      if (kind === 'entra') {
        token.payload.sub = user.sub ?? `pairwise-${user.oid}`;
        token.payload.iss = iss ?? `${base}/${user.tid}/v2.0`;
      }
    },
  );
  mock.service.on(
    'beforeResponse',
    (response: { body: Record<string, unknown> }, req: { body?: { code?: string } }) => {
      const user = req.body?.code ? byCode.get(req.body.code) : undefined;
      if (user && typeof response.body.access_token === 'string')
        byAccessToken.set(response.body.access_token, user);
    },
  );
  mock.service.on(
    'beforeUserinfo',
    (
      response: { body: Record<string, unknown>; statusCode: number },
      req: { headers: Record<string, string> },
    ) => {
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      const user = byAccessToken.get(token);
      if (!user) {
        response.statusCode = 401;
        response.body = { error: 'invalid_token' };
        return;
      }
      const { iss: _iss, ...claims } = user;
      response.body = { ...claims };
    },
  );

  return {
    url: base,
    next(user) {
      upcoming = user;
    },
    failNext(error, description) {
      failure = { error, description };
    },
    async close() {
      await mock.stop();
      if (front) await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

/** A browser: keeps cookies per host and follows nothing by itself. */
export class Browser {
  private readonly cookies = new Map<string, Map<string, string>>();

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const target = new URL(url);
    const jar = this.cookies.get(target.host);
    const cookie = jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
    const res = await fetch(target, {
      redirect: 'manual',
      headers: { ...headers, ...(cookie ? { cookie } : {}) },
    });
    this.remember(target.host, res);
    return res;
  }

  remember(host: string, res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq).trim();
      const value = (pair as string).slice(eq + 1).trim();
      const jar = this.cookies.get(host) ?? new Map<string, string>();
      const maxAge = attributes.find((a) => a.trim().toLowerCase().startsWith('max-age='));
      if (value === '' || maxAge?.trim().toLowerCase() === 'max-age=0') jar.delete(name);
      else jar.set(name, value);
      this.cookies.set(host, jar);
    }
  }

  cookie(host: string, name: string): string | undefined {
    return this.cookies.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.cookies.set(host, jar);
  }

  /**
   * Follows redirects from `url` until one leaves for `stopAt` (the app's returnTo) or a page
   * answers: the Location it stopped at, and every hop.
   */
  async follow(
    url: string,
    stopAt: string,
  ): Promise<{ final: URL | null; last: Response; hops: string[] }> {
    const hops: string[] = [];
    let next = url;
    for (let i = 0; i < 10; i++) {
      hops.push(next);
      const res = await this.get(next);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location)
        return { final: null, last: res, hops };
      const target = new URL(location, next);
      if (target.href.startsWith(stopAt) && !target.pathname.startsWith('/api/')) {
        await res.arrayBuffer().catch(() => undefined);
        return { final: target, last: res, hops };
      }
      await res.arrayBuffer().catch(() => undefined);
      next = target.href;
    }
    throw new Error(`too many redirects: ${hops.join(' → ')}`);
  }
}

/** A port nothing listens on yet, so PUBLIC_URL can be known before the server starts. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
