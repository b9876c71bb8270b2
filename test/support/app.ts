import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import pg from 'pg';
import { createApp } from '../../apps/identity-server/src/app.factory.js';
import { createRootLogger } from '../../apps/identity-server/src/common/logger.js';
import { loadConfig } from '../../apps/identity-server/src/config/config.js';
import { createTestDatabase } from './database.js';

export const TEST_ENCRYPTION_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;
export const OPERATOR_KEY = 'op_testtesttest_' + 'x'.repeat(43);

export interface Response<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  /** Sent as is, not JSON-encoded. */
  raw?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  databaseUrl: string;
  /** Everything the server logged, one JSON line each. */
  logs: string[];
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<Response<T>>;
  /** A direct connection to the suite's database, for asserting what was (not) stored. */
  sql<T extends pg.QueryResultRow = any>(text: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/** Boots the real server on a fresh database and listens on a free port on 127.0.0.1. */
export async function startTestApp(
  env: Record<string, string> = {},
  options: { shareDatabaseOf?: TestApp } = {},
): Promise<TestApp> {
  // A second instance on the same database (for cross-instance tests) leaves dropping it to the first.
  const database = options.shareDatabaseOf
    ? { url: options.shareDatabaseOf.databaseUrl, drop: async () => undefined }
    : await createTestDatabase();
  const config = loadConfig({
    PLATFORM_API_KEY: OPERATOR_KEY,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    DB_POOL_SIZE: '20',
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    // Suites sign up and fail SCIM authentication many times from 127.0.0.1; the rate-limit
    // suites set their own limits low.
    SIGNUP_RATE_LIMIT: '1000000',
    INVITATION_RATE_LIMIT: '1000000',
    SCIM_AUTH_FAILURES_PER_TOKEN: '1000000',
    SCIM_AUTH_FAILURES_PER_IP: '1000000',
    ...env,
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const { app } = await createApp(config, database.url, createRootLogger(config.logLevel, sink));
  await app.listen({ port: config.port, host: '127.0.0.1' });
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // An idle connection ended by the server (a test dropping the database) is not a test failure.
  pool.on('error', () => undefined);

  return {
    app,
    baseUrl,
    databaseUrl: database.url,
    logs,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const token = options.token === undefined ? OPERATOR_KEY : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (options.raw !== undefined) {
        body = options.raw;
        headers['content-type'] ??= 'application/json';
      } else if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: res.status, headers: res.headers, body: parsed as any, text };
    },
    async sql(text, params) {
      return (await pool.query(text, params)).rows;
    },
    async close() {
      await app.close();
      await pool.end();
      await database.drop();
    },
  };
}
