/** Jest in ESM mode (NestJS 12 is ESM-only): `npm test` sets --experimental-vm-modules. */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: {
          legacyDecorator: true,
          decoratorMetadata: true,
          useDefineForClassFields: false,
        },
        target: 'es2023',
        keepClassNames: true,
      },
      module: { type: 'es6' },
    },
  ],
};

/**
 * @fastify/static (CommonJS, behind /docs) requires content-disposition, which is ESM-only. Node
 * 20.19+ allows that require; Jest on Node 20 does not, so that one package is compiled to
 * CommonJS for the tests.
 */
const esmOnlyRequiredFromCjs = ['content-disposition', 'cookie'];

const common = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    ...transform,
    [`node_modules/(${esmOnlyRequiredFromCjs.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { target: 'es2023' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyRequiredFromCjs.join('|')})/)`],
  testEnvironment: 'node',
  moduleNameMapper: {
    '^#policy$': '<rootDir>/libs/policy/src/index.ts',
    '^#database$': '<rootDir>/libs/database/src/index.ts',
    '^#auth-crypto$': '<rootDir>/libs/auth-crypto/src/index.ts',
    '^#scim$': '<rootDir>/libs/scim/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
};

export default {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/apps/**/*.spec.ts', '<rootDir>/libs/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
};
