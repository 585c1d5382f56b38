// One jest project per test tier; the tier is in the file name (CONVENTIONS.md → Tests).
// Sources are TypeScript ESM; swc turns them into CommonJS for jest, so workspace packages
// are mapped to their `src` (no build needed) and ESM-only dependencies are transformed too.
const esmOnly = ['@electric-sql', 'jose', 'hono', '@hono', 'aws-local-stepfunctions', 'asl-validator', 'jsonpath-plus', 'p-limit', 'yocto-queue', 'uuid', 'nanoid', 'lodash-es'];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj|cj)sx?$': ['@swc/jest', {
      jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
      module: { type: 'commonjs' },
    }],
  },
  transformIgnorePatterns: [`node_modules/(?!(\\.pnpm/(${esmOnly.map((m) => m.replace('/', '\\+')).join('|')})[^/]*/node_modules/)?(${esmOnly.join('|')}))`],
  moduleNameMapper: {
    '^@strata/test-env$': '<rootDir>/scripts/jest/servers.ts',
    '^@strata/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@strata/([a-z-]+)/(.+)$': '<rootDir>/packages/$1/src/$2.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdk.out/'],
  setupFilesAfterEnv: ['<rootDir>/jest.setup.cjs'],
};

const tier = (name, match, extra = {}) => ({
  ...shared,
  displayName: name,
  testMatch: [`<rootDir>/{packages,infra,bench}/**/*.${match}.test.ts`],
  ...extra,
});

module.exports = {
  projects: [
    tier('unit', 'unit'),
    tier('property', 'property'),
    tier('int', 'int', { globalSetup: '<rootDir>/scripts/jest/int.global-setup.cjs', globalTeardown: '<rootDir>/scripts/jest/int.global-teardown.cjs' }),
    tier('e2e', 'e2e'),
    tier('infra', 'infra'),
    // Real browser (playwright-core driving Debian's Chromium) against a started runtime.
    tier('browser', 'browser'),
  ],
};
