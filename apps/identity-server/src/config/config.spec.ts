import { ConfigError, loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has working defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      publicUrl: 'http://localhost:3000',
      databaseUrl: null,
      dataDir: './.data',
      platformApiKey: null,
      logLevel: 'info',
      trustedProxies: [],
      signupRateLimit: 20,
      invitationRateLimit: 100,
      scimAuthFailuresPerToken: 20,
      scimAuthFailuresPerIp: 100,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '127.0.0.1',
      PUBLIC_URL: 'https://id.example.com/',
      DATABASE_URL: 'postgres://u:p@db:5432/identity',
      DATA_DIR: '/var/lib/identity',
      DB_POOL_SIZE: '25',
      PLATFORM_API_KEY: 'k'.repeat(40),
      LOG_LEVEL: 'DEBUG',
      TRUSTED_PROXIES: '10.0.0.0/8, ::1',
      SHUTDOWN_TIMEOUT_MS: '5000',
      DOCS_ENABLED: 'false',
      ENCRYPTION_KEYS: 'k1:abc',
      ACCESS_TOKEN_TTL_SECONDS: '300',
      SESSION_MAX_AGE_MINUTES: '60',
      SIGNING_KEY_ROTATION_DAYS: '7',
      ARGON2_MEMORY_KIB: '65536',
      ARGON2_ITERATIONS: '3',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_IP: '30',
      LOGIN_LOCKOUT_MINUTES: '5',
      SIGNUP_RATE_LIMIT: '0',
      SIGNUP_RATE_WINDOW_MINUTES: '30',
      INVITATION_RATE_LIMIT: '50',
      INVITATION_RATE_WINDOW_MINUTES: '5',
      SCIM_AUTH_FAILURES_PER_TOKEN: '10',
      SCIM_AUTH_FAILURES_PER_IP: '40',
      SCIM_AUTH_FAILURE_WINDOW_MINUTES: '20',
      GOOGLE_CLIENT_ID: 'g-id',
      GOOGLE_CLIENT_SECRET: 'g-secret',
      MICROSOFT_CLIENT_ID: 'm-id',
      MICROSOFT_CLIENT_SECRET: 'm-secret',
      MICROSOFT_AUTHORITY: 'https://login.microsoftonline.us/',
      OIDC_CONNECTIONS_ALLOW_LOOPBACK: 'true',
      EMAIL_VERIFICATION_TTL_HOURS: '48',
      PASSWORD_RESET_TTL_MINUTES: '15',
      SMTP_URL: 'smtp://mail.example.com:587',
      MAIL_FROM: 'Acme <id@acme.example>',
      CONSOLE_DIR: '/srv/console',
    });
    expect(config).toEqual({
      port: 8080,
      host: '127.0.0.1',
      publicUrl: 'https://id.example.com',
      databaseUrl: 'postgres://u:p@db:5432/identity',
      dataDir: '/var/lib/identity',
      dbPoolSize: 25,
      platformApiKey: 'k'.repeat(40),
      logLevel: 'debug',
      trustedProxies: ['10.0.0.0/8', '::1'],
      shutdownTimeoutMs: 5000,
      docsEnabled: false,
      encryptionKeys: 'k1:abc',
      accessTokenTtlSeconds: 300,
      sessionMaxAgeMinutes: 60,
      signingKeyRotationDays: 7,
      argon2MemoryKib: 65536,
      argon2Iterations: 3,
      loginMaxFailuresPerAccount: 3,
      loginMaxFailuresPerIp: 30,
      loginLockoutMinutes: 5,
      signupRateLimit: 0,
      signupRateWindowMinutes: 30,
      invitationRateLimit: 50,
      invitationRateWindowMinutes: 5,
      scimAuthFailuresPerToken: 10,
      scimAuthFailuresPerIp: 40,
      scimAuthFailureWindowMinutes: 20,
      smtpUrl: 'smtp://mail.example.com:587',
      mailFrom: 'Acme <id@acme.example>',
      google: { clientId: 'g-id', clientSecret: 'g-secret', issuer: 'https://accounts.google.com' },
      microsoft: {
        clientId: 'm-id',
        clientSecret: 'm-secret',
        issuer: 'https://login.microsoftonline.us',
      },
      oidcConnectionsAllowLoopback: true,
      emailVerificationTtlHours: 48,
      passwordResetTtlMinutes: 15,
      consoleDir: '/srv/console',
    });
  });

  it('resolves the console folder from the working directory; a file in its place is refused', () => {
    expect(loadConfig({}).consoleDir).toBe(`${process.cwd()}/apps/admin-console/dist`);
    expect(loadConfig({ CONSOLE_DIR: 'web' }).consoleDir).toBe(`${process.cwd()}/web`);
    expect(() => loadConfig({ CONSOLE_DIR: 'package.json' })).toThrow(
      'CONSOLE_DIR: ' + `${process.cwd()}/package.json is not a folder`,
    );
  });

  it('offers a provider only with both its client id and secret, and plain http only on loopback', () => {
    expect(loadConfig({}).google).toBeNull();
    expect(() => loadConfig({ GOOGLE_CLIENT_ID: 'x' })).toThrow(
      'GOOGLE_CLIENT_SECRET: is required',
    );
    expect(() => loadConfig({ MICROSOFT_AUTHORITY: 'http://login.example.com' })).toThrow(
      'MICROSOFT_AUTHORITY: must use https',
    );
    expect(
      loadConfig({
        GOOGLE_CLIENT_ID: 'x',
        GOOGLE_CLIENT_SECRET: 'y',
        GOOGLE_ISSUER: 'http://127.0.0.1:9/',
      }).google?.issuer,
    ).toBe('http://127.0.0.1:9');
  });

  it.each([
    ['PORT', 'abc', 'must be a whole number'],
    ['PORT', '70000', 'between 0 and 65535'],
    ['DATABASE_URL', 'mysql://x', 'must start with postgres://'],
    ['DATABASE_URL', 'not a url', 'not a valid URL'],
    ['PUBLIC_URL', 'ftp://x', 'must start with http://'],
    ['PLATFORM_API_KEY', 'short', 'at least 32 characters'],
    ['LOG_LEVEL', 'loud', 'must be one of'],
    ['TRUSTED_PROXIES', '10.0.0.0/33', 'is not an IP address or CIDR'],
    ['TRUSTED_PROXIES', 'proxy.local', 'is not an IP address or CIDR'],
    ['DB_POOL_SIZE', '1', 'between 2 and 500'],
    ['DOCS_ENABLED', 'maybe', 'true or false'],
    ['ACCESS_TOKEN_TTL_SECONDS', '10', 'between 60 and 3600'],
    ['ARGON2_MEMORY_KIB', '1024', 'between 8192 and 1048576'],
    ['SIGNUP_RATE_LIMIT', '-1', 'must be a whole number'],
    ['SIGNUP_RATE_WINDOW_MINUTES', '0', 'between 1 and 1440'],
  ])('refuses %s=%p, naming the variable', (variable, value, problem) => {
    let thrown: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).variable).toBe(variable);
    expect((thrown as ConfigError).message).toContain(`${variable}: `);
    expect((thrown as ConfigError).message).toContain(problem);
    expect((thrown as ConfigError).message).not.toContain('\n');
  });
});
