import { ModulesContainer } from '@nestjs/core';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants.js';
import { RequestMethod } from '@nestjs/common';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  AUTHENTICATED,
  IS_PUBLIC,
  OPERATOR_ONLY,
  PERMISSION,
  SIGNED_IN,
  type RequiredPermission,
} from '../apps/identity-server/src/common/decorators.js';
import { ScimAuthGuard } from '../apps/identity-server/src/scim/scim-auth.guard.js';
import { startTestApp, type TestApp } from './support/app.js';

const SNAPSHOT = fileURLToPath(new URL('./route-permissions.txt', import.meta.url));

/**
 * Every route and the permission it declares. A change here is a change to who may do what:
 * review it, then run `UPDATE_ROUTE_PERMISSIONS=1 npm test -- route-permissions` to accept it.
 */
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
          const method =
            RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number] ?? '?';
          const read = <T>(key: string) =>
            (Reflect.getMetadata(key, handler) ?? Reflect.getMetadata(key, controller)) as
              T | undefined;
          const permission = read<RequiredPermission>(PERMISSION);
          // SCIM routes pass the global guard and are authenticated by a tenant's SCIM token.
          const scimToken = (read<unknown[]>(GUARDS_METADATA) ?? []).includes(ScimAuthGuard);
          const declared = read<boolean>(IS_PUBLIC)
            ? scimToken
              ? 'SCIM token (ScimAuthGuard)'
              : 'public'
            : read<boolean>(OPERATOR_ONLY)
              ? 'operator only'
              : permission
                ? `${permission.action} ${permission.subject}${permission.orTeamLead ? ' (or team lead)' : ''}`
                : read<boolean>(SIGNED_IN)
                  ? 'signed-in person'
                  : read<boolean>(AUTHENTICATED)
                    ? 'any authenticated caller'
                    : 'UNDECLARED';
          const full = `/${[base, path]
            .map((p) => p.replace(/^\/|\/$/g, ''))
            .filter(Boolean)
            .join('/')}`;
          lines.push(`${method.padEnd(6)} ${full.padEnd(48)} ${declared}`);
        }
      }
    }
    lines.sort();
    expect(lines.filter((l) => l.endsWith('UNDECLARED'))).toEqual([]);
    const actual = `${lines.join('\n')}\n`;
    if (process.env.UPDATE_ROUTE_PERMISSIONS) await writeFile(SNAPSHOT, actual);
    const reviewed = await readFile(SNAPSHOT, 'utf8').catch(() => '');
    expect(actual).toBe(reviewed);
  });
});
