// Lint: keeps the domain core free of SDKs and drivers, and fails on skipped or focused tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import jestPlugin from 'eslint-plugin-jest';

const drivers = ['@aws-sdk/*', 'pg', 'pg-*', 'ioredis', '@electric-sql/*', '@duckdb/*', 'node:*', 'fs', 'path', 'crypto', 'http', 'net', 'hono', 'hono/*', 'jose', 'aws-jwt-verify', 'aws-local-stepfunctions'];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'infra/cdk.out/**', '**/*.cjs', '.strata/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', URL: 'readonly', Buffer: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', AbortController: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', crypto: 'readonly', globalThis: 'readonly' } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-namespace': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // The domain core: event catalogue, deciders, projectors, saga logic. Pure code only.
    files: [
      'packages/events/src/**/*.ts',
      'packages/write-model/src/domain/**/*.ts',
      'packages/projections/src/domain/**/*.ts',
      'packages/workflows/src/domain/**/*.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: drivers, message: 'The domain core imports no SDK, driver or node built-in (DESIGN.md). Put I/O in an adapter.' }] }],
    },
  },
  {
    files: ['**/*.test.ts', '**/testing/**/*.ts', 'scripts/jest/**/*.ts'],
    plugins: { jest: jestPlugin },
    rules: {
      'jest/no-disabled-tests': 'error',
      'jest/no-focused-tests': 'error',
      'jest/expect-expect': ['error', { assertFunctionNames: ['expect', 'expect*', 'assert*', 'then*', 'fc.assert', 'run*Contract*'] }],
      'jest/valid-expect': 'error',
      'jest/no-conditional-expect': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
