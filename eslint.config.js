import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const infrastructurePackages = [
  'express',
  'bullmq',
  'ioredis',
  'pg',
  '@prisma/client',
  '@prisma/adapter-pg',
];
const pureCoreMessage =
  'grading and assessments stay free of Express, Prisma, BullMQ and other infrastructure: pass what they need in.';
const adapterMessage = 'adapters must not depend on HTTP routes or pages.';
const simulatorModules = ['**/sim/**', '../sim/*', '../../sim/*'];
const simulatorMessage = 'src/ must not import sim/: the simulated cluster is for tests and demos.';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/generated/', 'coverage/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // Command-line programs talk to people on the terminal.
    files: ['scripts/**', 'bench/**', 'sim/main.ts', 'src/cli/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  // Architecture boundaries, enforced rather than intended.
  {
    // The grading core and the rubric format are pure: no web framework, database or queue.
    files: ['src/grading/**', 'src/assessments/**', 'assessments/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: infrastructurePackages.map((name) => ({ name, message: pureCoreMessage })),
          patterns: [
            { group: ['@prisma/*', '**/generated/prisma/**'], message: pureCoreMessage },
            {
              group: ['**/http/**', '**/*-router.js', '**/queue/**', '**/db/**'],
              message: pureCoreMessage,
            },
            { group: simulatorModules, message: simulatorMessage },
          ],
        },
      ],
    },
  },
  {
    // Adapters (database, queue, cluster access, outbound integrations) know nothing of routes.
    files: [
      'src/db/**',
      'src/queue/**',
      'src/cluster/**',
      'src/integrations/**',
      'src/**/*-repository.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'express', message: adapterMessage }],
          patterns: [
            { group: ['**/http/**', '**/*-router.js', '**/pages/**'], message: adapterMessage },
            { group: simulatorModules, message: simulatorMessage },
          ],
        },
      ],
    },
  },
  {
    // The product never depends on the simulated cluster (it is a test and demo tool).
    files: ['src/**', 'worker/**'],
    ignores: [
      'src/grading/**',
      'src/assessments/**',
      'src/db/**',
      'src/queue/**',
      'src/cluster/**',
      'src/integrations/**',
      'src/**/*-repository.ts',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: simulatorModules, message: simulatorMessage }] },
      ],
    },
  },
  {
    // Benches measure the product as it ships; test scaffolding is not part of it.
    files: ['bench/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/test/**', '../test/*'],
              message: 'bench/ must not import test/: measure what ships (src/, sim/).',
            },
          ],
        },
      ],
    },
  },
);
