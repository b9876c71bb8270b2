import { ModulesContainer, Reflector } from '@nestjs/core';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  declaredAccess,
  SIGNED_IN,
  type RouteAccess,
} from '../apps/identity-server/src/common/decorators.js';
import { READS_CONTEXT } from '../apps/identity-server/src/common/request-context.js';
import { ScimAuthGuard } from '../apps/identity-server/src/scim/scim-auth.guard.js';
import { startTestApp, type TestApp } from './support/app.js';

const SNAPSHOT = fileURLToPath(new URL('./route-permissions.txt', import.meta.url));

/**
 * Every route and the permission it declares. A change here is a change to who may do what:
 * review it, then run `UPDATE_ROUTE_PERMISSIONS=1 npm test -- route-permissions` to accept it.
 */
interface Route {
  method: string;
  /** The full path, e.g. /api/v1/tenants/:tenantId/members. */
  full: string;
  /** Reads a decorator's metadata from the handler, else from its controller. */
  read: <T>(key: string) => T | undefined;
  /** What the guards enforce on it (the same function they call). */
  access: RouteAccess;
  /** Which narrowed request context the handler takes (@TenantCtx, @UserCtx), if any. */
  reads: 'tenant' | 'user' | undefined;
}

function routesOf(t: TestApp): Route[] {
  const routes: Route[] = [];
  const reflector = new Reflector();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      for (const name of Object.getOwnPropertyNames(controller.prototype)) {
        const handler = (controller.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        routes.push({
          method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? '?',
          full: `/${[base, path]
            .map((p) => p.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')}`,
          read: <T>(key: string) =>
            (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as
              T | undefined,
          access: declaredAccess(reflector, handler, controller),
          reads: Reflect.getMetadata(READS_CONTEXT, controller.prototype, name) as
            'tenant' | 'user' | undefined,
        });
      }
    }
  }
  return routes;
}

function describeAccess(access: RouteAccess, scimToken: boolean): string {
  switch (access.kind) {
    case 'public':
      return scimToken ? 'SCIM token (ScimAuthGuard)' : 'public';
    case 'operator':
      return 'operator only';
    case 'permission': {
      const { action, subject, orTeamLead } = access.permission;
      return `${action} ${subject}${orTeamLead ? ' (or team lead)' : ''}`;
    }
    case 'signed-in':
      return 'signed-in person';
    case 'authenticated':
      return 'any authenticated caller';
    case 'none':
      return 'UNDECLARED';
  }
}

describe('route permission declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('match the reviewed list, and no route is left undeclared', async () => {
    const lines: string[] = [];
    for (const { method, full, read, access } of routesOf(t)) {
      // SCIM routes pass the global guard and are authenticated by a tenant's SCIM token.
      const scimToken = (read<unknown[]>(GUARDS_METADATA) ?? []).includes(ScimAuthGuard);
      const declared = describeAccess(access, scimToken);
      lines.push(`${method.padEnd(6)} ${full.padEnd(48)} ${declared}`);
    }
    lines.sort();
    expect(lines.filter((l) => l.endsWith('UNDECLARED'))).toEqual([]);
    const actual = `${lines.join('\n')}\n`;
    if (process.env.UPDATE_ROUTE_PERMISSIONS) await writeFile(SNAPSHOT, actual);
    const reviewed = await readFile(SNAPSHOT, 'utf8').catch(() => '');
    expect(actual).toBe(reviewed);
  });

  // A handler that takes @TenantCtx() on a route without :tenantId would refuse every call (the
  // guard sets no tenant); one that takes @UserCtx() must be for signed-in people only.
  it('give a tenant context only on :tenantId routes and a user context only to @SignedIn()', () => {
    const routes = routesOf(t);
    // The decorators are seen: both kinds are in use.
    expect(routes.filter((r) => r.reads === 'tenant').length).toBeGreaterThan(0);
    expect(routes.filter((r) => r.reads === 'user').length).toBeGreaterThan(0);
    const misplaced = routes.filter(({ full, read, reads }) =>
      reads === 'tenant' ? !full.includes('/:tenantId') : reads === 'user' && !read(SIGNED_IN),
    );
    expect(misplaced.map(({ method, full, reads }) => `${method} ${full} (${reads})`)).toEqual([]);
  });
});
