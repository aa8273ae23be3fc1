// ESLint flat config. Workflow code must stay deterministic: no Node built-ins, no I/O
// libraries, and no zod (zod schemas in workflow modules leak in the SDK's workflow cache).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = builtinModules.filter((m) => !m.startsWith('_'));
export const workflowBannedImports = [
  ...nodeBuiltins,
  ...nodeBuiltins.map((m) => `node:${m}`),
  'zod',
  'zod/*',
  'express',
  'pino',
  'undici',
  'axios',
  'node-fetch',
  'prom-client',
  '@temporalio/activity',
  '@temporalio/client',
  '@temporalio/worker',
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.data/**', 'test-artifacts/**', 'eslint.config.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/it return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests read untyped JSON answers.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Everything the workflow bundle pulls in: the workflow folder and the contracts it shares.
    files: ['workflows/**/*.ts', 'contracts/**/*.ts', 'money/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Bare names here; every `node:` form (and zod subpaths) through the pattern below.
          paths: workflowBannedImports.filter((p) => !p.endsWith('/*') && !p.startsWith('node:')),
          patterns: [{ group: ['zod/*', 'node:*'], message: 'Workflow code must be deterministic: no Node built-ins, no zod, no I/O.' }],
        },
      ],
    },
  },
);
