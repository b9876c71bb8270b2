import { statSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';

/**
 * Typed configuration, read once from the environment and validated at boot.
 * A bad value stops the start with one line naming the variable (see ConfigError).
 */
export interface AppConfig {
  port: number;
  host: string;
  publicUrl: string;
  /** Null: run an embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  dbPoolSize: number;
  /** Sensitive: the operator key given by the environment, if any. */
  platformApiKey: string | null;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  trustedProxies: string[];
  shutdownTimeoutMs: number;
  /** Serve /openapi.json and /docs. */
  docsEnabled: boolean;
  /**
   * Sensitive: `kid:base64key,...` (first is current) for secrets at rest (TOTP seeds, signing
   * keys). Null: a key generated on first start and kept in DATA_DIR.
   */
  encryptionKeys: string | null;
  accessTokenTtlSeconds: number;
  /** Absolute session lifetime; a tenant's sessionTtlMinutes may shorten it there. */
  sessionMaxAgeMinutes: number;
  signingKeyRotationDays: number;
  argon2MemoryKib: number;
  argon2Iterations: number;
  loginMaxFailuresPerAccount: number;
  loginMaxFailuresPerIp: number;
  loginLockoutMinutes: number;
  /** Sign-ups per client address per window; 0 turns the limit off. */
  signupRateLimit: number;
  signupRateWindowMinutes: number;
  /** Invitation link look-ups (preview and accept) per client address per window; 0: off. */
  invitationRateLimit: number;
  invitationRateWindowMinutes: number;
  /** Failed SCIM authentications per token prefix / per client address per window; 0: off. */
  scimAuthFailuresPerToken: number;
  scimAuthFailuresPerIp: number;
  scimAuthFailureWindowMinutes: number;
  /** Sensitive: smtp(s)://user:password@host:port. Null: messages stay in the local outbox. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Google sign-in; null when GOOGLE_CLIENT_ID is not set (Google is then not offered). */
  google: OAuthClientConfig | null;
  /** Microsoft Entra ID sign-in (multi-tenant); null when MICROSOFT_CLIENT_ID is not set. */
  microsoft: OAuthClientConfig | null;
  /** Tenant OIDC connections may use loopback issuers (tests and local evaluation only). */
  oidcConnectionsAllowLoopback: boolean;
  emailVerificationTtlHours: number;
  passwordResetTtlMinutes: number;
  /**
   * The admin console's build folder (absolute). Served at / when it exists; when it does not,
   * the server runs without the console (API, /docs and the rest unchanged).
   */
  consoleDir: string;
}

export interface OAuthClientConfig {
  clientId: string;
  /** Sensitive. */
  clientSecret: string;
  /** GOOGLE_ISSUER or MICROSOFT_AUTHORITY, without a trailing slash. */
  issuer: string;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable}: ${problem}`);
  }
}

type Env = Record<string, string | undefined>;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function read(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(name, `must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = read(env, name);
  if (raw === undefined) return fallback;
  if (['true', '1', 'yes'].includes(raw.toLowerCase())) return true;
  if (['false', '0', 'no'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(name, `must be true or false, got "${raw}"`);
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = read(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'is not a valid URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
  }
  return raw;
}

/** Loopback hosts: the only ones an identity-provider URL may reach over plain http. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** An identity provider's URL: https, or http on a loopback address only. */
function providerUrl(env: Env, name: string, fallback: string): string {
  const raw = url(env, name, ['http:', 'https:']) ?? fallback;
  const parsed = new URL(raw);
  if (parsed.protocol === 'http:' && !isLoopbackHost(parsed.hostname)) {
    throw new ConfigError(name, 'must use https (plain http only for a loopback address)');
  }
  if (parsed.search || parsed.hash)
    throw new ConfigError(name, 'must not have a query or fragment');
  return raw.replace(/\/+$/, '');
}

/** A platform OAuth client: both variables or neither. */
function oauthClient(
  env: Env,
  [idVariable, secretVariable, issuerVariable]: [string, string, string],
  issuerDefault: string,
): OAuthClientConfig | null {
  const clientId = read(env, idVariable);
  const clientSecret = read(env, secretVariable);
  const issuer = providerUrl(env, issuerVariable, issuerDefault);
  if (clientId === undefined && clientSecret === undefined) return null;
  if (clientId === undefined)
    throw new ConfigError(idVariable, `is required when ${secretVariable} is set`);
  if (clientSecret === undefined)
    throw new ConfigError(secretVariable, `is required when ${idVariable} is set`);
  return { clientId, clientSecret, issuer };
}

function isCidrOrIp(value: string): boolean {
  const [address, bits, ...rest] = value.split('/');
  if (rest.length > 0 || address === undefined) return false;
  const version = isIP(address);
  if (version === 0) return false;
  if (bits === undefined) return true;
  if (!/^\d{1,3}$/.test(bits)) return false;
  return Number(bits) <= (version === 4 ? 32 : 128);
}

/** A folder, resolved from the working directory: missing is allowed, a file in its place is not. */
function folder(env: Env, name: string, fallback: string): string {
  const path = resolve(read(env, name) ?? fallback);
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat !== undefined && !stat.isDirectory())
    throw new ConfigError(name, `${path} is not a folder`);
  return path;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const port = int(env, 'PORT', 3000, 0, 65535);
  const host = read(env, 'HOST') ?? '0.0.0.0';
  const publicUrl = (
    url(env, 'PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${port}`
  ).replace(/\/+$/, '');
  const databaseUrl = url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']) ?? null;

  const platformApiKey = read(env, 'PLATFORM_API_KEY') ?? null;
  if (platformApiKey !== null && platformApiKey.length < 32) {
    throw new ConfigError(
      'PLATFORM_API_KEY',
      'must be at least 32 characters (use a random value)',
    );
  }

  const logLevel = (read(env, 'LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const trustedProxies = (read(env, 'TRUSTED_PROXIES') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of trustedProxies) {
    if (!isCidrOrIp(entry)) {
      throw new ConfigError('TRUSTED_PROXIES', `"${entry}" is not an IP address or CIDR`);
    }
  }

  return {
    port,
    host,
    publicUrl,
    databaseUrl,
    dataDir: read(env, 'DATA_DIR') ?? './.data',
    // At least 2: migrations hold one connection for their lock while they run on another.
    dbPoolSize: int(env, 'DB_POOL_SIZE', 10, 2, 500),
    platformApiKey,
    logLevel: logLevel as AppConfig['logLevel'],
    trustedProxies,
    shutdownTimeoutMs: int(env, 'SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    docsEnabled: bool(env, 'DOCS_ENABLED', true),
    encryptionKeys: read(env, 'ENCRYPTION_KEYS') ?? null,
    accessTokenTtlSeconds: int(env, 'ACCESS_TOKEN_TTL_SECONDS', 600, 60, 3600),
    sessionMaxAgeMinutes: int(env, 'SESSION_MAX_AGE_MINUTES', 43_200, 5, 525_600),
    signingKeyRotationDays: int(env, 'SIGNING_KEY_ROTATION_DAYS', 30, 1, 365),
    argon2MemoryKib: int(env, 'ARGON2_MEMORY_KIB', 19_456, 8_192, 1_048_576),
    argon2Iterations: int(env, 'ARGON2_ITERATIONS', 2, 1, 10),
    loginMaxFailuresPerAccount: int(env, 'LOGIN_MAX_FAILURES_PER_ACCOUNT', 5, 1, 1000),
    loginMaxFailuresPerIp: int(env, 'LOGIN_MAX_FAILURES_PER_IP', 50, 1, 100_000),
    loginLockoutMinutes: int(env, 'LOGIN_LOCKOUT_MINUTES', 15, 1, 1440),
    signupRateLimit: int(env, 'SIGNUP_RATE_LIMIT', 20, 0, 1_000_000),
    signupRateWindowMinutes: int(env, 'SIGNUP_RATE_WINDOW_MINUTES', 60, 1, 1440),
    invitationRateLimit: int(env, 'INVITATION_RATE_LIMIT', 100, 0, 1_000_000),
    invitationRateWindowMinutes: int(env, 'INVITATION_RATE_WINDOW_MINUTES', 10, 1, 1440),
    scimAuthFailuresPerToken: int(env, 'SCIM_AUTH_FAILURES_PER_TOKEN', 20, 0, 1_000_000),
    scimAuthFailuresPerIp: int(env, 'SCIM_AUTH_FAILURES_PER_IP', 100, 0, 1_000_000),
    scimAuthFailureWindowMinutes: int(env, 'SCIM_AUTH_FAILURE_WINDOW_MINUTES', 15, 1, 1440),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']) ?? null,
    mailFrom: read(env, 'MAIL_FROM') ?? 'Identity Server <no-reply@localhost>',
    google: oauthClient(
      env,
      ['GOOGLE_CLIENT_ID', 'GOOGLE_CLIENT_SECRET', 'GOOGLE_ISSUER'],
      'https://accounts.google.com',
    ),
    microsoft: oauthClient(
      env,
      ['MICROSOFT_CLIENT_ID', 'MICROSOFT_CLIENT_SECRET', 'MICROSOFT_AUTHORITY'],
      'https://login.microsoftonline.com',
    ),
    oidcConnectionsAllowLoopback: bool(env, 'OIDC_CONNECTIONS_ALLOW_LOOPBACK', false),
    emailVerificationTtlHours: int(env, 'EMAIL_VERIFICATION_TTL_HOURS', 24, 1, 168),
    passwordResetTtlMinutes: int(env, 'PASSWORD_RESET_TTL_MINUTES', 30, 5, 1440),
    consoleDir: folder(env, 'CONSOLE_DIR', 'apps/admin-console/dist'),
  };
}

export const APP_CONFIG = Symbol('APP_CONFIG');
