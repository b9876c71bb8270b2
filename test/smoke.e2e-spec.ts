import { startTestApp, type TestApp } from './support/app.js';

describe('smoke', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  it('is ready', async () => {
    const res = await t.request('GET', '/health/ready', { token: null });
    expect(res.status).toBe(200);
  });
});
