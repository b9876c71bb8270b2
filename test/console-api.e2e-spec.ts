import { readFile } from 'node:fs/promises';
import { renderSchema, SCHEMA_FILE } from '../scripts/console-api.js';
import { startTestApp, type TestApp } from './support/app.js';

describe("the admin console's API types", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => t?.close());

  it('are what the server describes (run `npm run console:api` after changing a DTO)', async () => {
    const document = await t.request('GET', '/openapi.json', { token: null });
    const expected = await renderSchema(document.body);
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(expected);
  });
});
