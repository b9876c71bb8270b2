import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'apps/admin-console/dist/**',
      'apps/admin-console/src/api/schema.d.ts',
      'node_modules/**',
      'coverage/**',
      '.data/**',
      '**/*.cjs',
      'jest.config.js',
      'eslint.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Nest controllers and DTOs use classes whose methods return promises implicitly.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-extraneous-class': 'off',
    },
  },
  {
    // Tests read untyped JSON responses.
    files: ['test/**/*.ts', '**/*.spec.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    // Only the platform layer provides global modules; a feature that needs another feature
    // imports its module, so the module graph says who depends on whom (.dependency-cruiser.cjs).
    files: ['apps/identity-server/src/**/*.ts'],
    ignores: [
      'apps/identity-server/src/{database,config,crypto,audit,mail,metrics,migrations,policy,tenancy}/**',
    ],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "Decorator > CallExpression[callee.name='Global']",
          message: '@Global() is for platform modules only: import the module where it is needed.',
        },
        {
          selector: "Property[key.name='global'][value.value=true]",
          message:
            'global: true is for platform modules only: import the module where it is needed.',
        },
      ],
    },
  },
);
