/** Unit specs sit beside the code; e2e specs in test/ boot the real app on real servers. */
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

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{src,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFiles: ['<rootDir>/test/setup/env.ts'],
    },
  ],
};
