import { statSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Vite names the files under assets/ by their content hash: a new build is a new name. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and any unhashed file) is revalidated on every load, so a deploy shows at once. */
export const REVALIDATE = 'no-cache';

/**
 * The first path segments that are not console pages: an unknown path there stays the API's 404
 * (problem+json, or SCIM's error body), whatever the client accepts. `assets` too: a chunk of an
 * older build, asked for after a deploy, is a 404 rather than a page parsed as a script.
 */
const SERVER_SEGMENTS = new Set([
  'assets',
  'api',
  'scim',
  'docs',
  'health',
  'metrics',
  '.well-known',
  'openapi.json',
]);

/**
 * A browser asking for a page of the console (`/invite/{token}`, `/settings/users`,
 * `/verify-email?token=…`): a GET that accepts HTML, outside the server's own paths. The
 * console's router draws the page from the URL.
 */
export function isConsolePage(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const accept = request.headers.accept;
  if (typeof accept !== 'string' || !accept.toLowerCase().includes('text/html')) return false;
  const path = request.url.split('?', 1)[0] ?? '/';
  const segment = (path.split('/', 2)[1] ?? '').toLowerCase();
  return !SERVER_SEGMENTS.has(segment) && !segment.startsWith('docs');
}

/**
 * Serves the admin console's build (`root`) from the same origin: its files at `/`, and
 * index.html for every console page that no route answers. Returns false, changing nothing,
 * when the console was not built. Call it after the other onRequest hooks (the one here answers
 * the request, so hooks after it would not run for console pages) and before `app.init()`.
 */
export function serveConsole(app: NestFastifyApplication, root: string): boolean {
  if (statSync(join(root, 'index.html'), { throwIfNoEntry: false })?.isFile() !== true)
    return false;
  const assets = join(root, 'assets') + '/';
  const fastify = app.getHttpAdapter().getInstance();
  // Registered directly, not through app.useStaticAssets: Nest's copy of the options' types
  // predates @fastify/static 10, which hands setHeaders the reply.
  void fastify.register(fastifyStatic, {
    root,
    prefix: '/',
    // One route per file, listed at start: no catch-all route that would shadow the API's 404s.
    // A rebuild with new file names needs a restart.
    wildcard: false,
    // The server's onSend hook keeps a Cache-Control set here and adds `no-store` otherwise.
    setHeaders: (reply: FastifyReply, path: string) => {
      void reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
    },
  });
  // Nest owns the not-found handler (it raises route_not_found through the exception filters):
  // a console page is answered before it, in the 404 route's onRequest stage.
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.is404 && isConsolePage(request)) void reply.sendFile('index.html', root);
    else done();
  });
  return true;
}
