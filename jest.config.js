/**
 * Unit specs sit beside the code; service specs in test/service/ run services and repositories on
 * real servers with real migrations, without the HTTP app; e2e specs in test/ boot the real app.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  },
];
const moduleNameMapper = {
  '^src/(.*)$': '<rootDir>/src/$1',
  '^@libs/crypto$': '<rootDir>/libs/crypto/src',
  '^@libs/crypto/(.*)$': '<rootDir>/libs/crypto/src/$1',
  '^@libs/dlp$': '<rootDir>/libs/dlp/src',
  '^@libs/dlp/(.*)$': '<rootDir>/libs/dlp/src/$1',
};
const common = { transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };
const servers = {
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  setupFiles: ['<rootDir>/test/setup/env.ts'],
};

module.exports = {
  testTimeout: 60000,
  // Jest's default on a 2-core machine is one worker; e2e files wait on servers far more than they
  // compute, so two run side by side. They share the run's database and Redis prefix unless they
  // take their own (ownDatabase), as every file that registers data stores does: a request's
  // tasks cover every store registered when it is filed.
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{src,libs}/**/*.spec.ts'] },
    {
      ...common,
      ...servers,
      displayName: 'service',
      testMatch: ['<rootDir>/test/service/**/*.service-spec.ts'],
      setupFiles: [
        ...servers.setupFiles,
        '<rootDir>/test/service/support/env.ts',
        '<rootDir>/test/service/support/quiet-logs.ts',
      ],
    },
    { ...common, ...servers, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
  ],
};
