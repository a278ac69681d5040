/** Jest runs the TypeScript sources as native ES modules (the Kubernetes client is ESM-only). */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  roots: [
    '<rootDir>/test',
    '<rootDir>/src',
    '<rootDir>/sim',
    '<rootDir>/worker',
    '<rootDir>/assessments',
  ],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { warnOnly: false } },
    ],
  },
  testTimeout: 30000,
};
