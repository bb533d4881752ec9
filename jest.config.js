/** Three tiers, each runnable alone with --selectProjects (see package.json scripts). */
const transform = {'^.+\\.ts$': ['ts-jest', {tsconfig: 'tsconfig.json'}]}
const common = {
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  setupFiles: ['<rootDir>/test/support/jest-setup.ts'],
}

module.exports = {
  projects: [
    {...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts']},
    {...common, displayName: 'aws', testMatch: ['<rootDir>/test/aws/**/*.test.ts']},
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      // Each test spawns the CLI a few times; a cold node + oclif start is ~0.3 s, more under load.
      setupFilesAfterEnv: ['<rootDir>/test/support/e2e-timeout.ts'],
      globalSetup: '<rootDir>/test/support/e2e-global-setup.ts',
      globalTeardown: '<rootDir>/test/support/e2e-global-teardown.ts',
    },
  ],
}
