import type { Config } from 'jest';

const moduleNameMapper = {
  '^@wxopen/(core|testing|redis|express|koa|fastify|fetch)$': '<rootDir>/packages/$1/src',
  '^@wxopen/core/adapter$': '<rootDir>/packages/core/src/adapter',
  '^@wxopen/core/specs$': '<rootDir>/packages/core/src/specs',
  '^@wxopen/testing/conformance$': '<rootDir>/packages/testing/src/conformance',
  '^@wxopen/example-shared$': '<rootDir>/examples/shared/src',
};
const transform: Config['transform'] = {
  '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json', diagnostics: false }],
};
const common = { rootDir: __dirname, testEnvironment: 'node', moduleNameMapper, transform };

const config: Config = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/packages/*/test/**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/packages/*/test/**/*.int.test.ts', '<rootDir>/examples/*/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
    },
  ],
};

export default config;
