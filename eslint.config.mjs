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

/** Files the workflow bundle includes: the workflow folder and every module it imports (values, not types). */
export const workflowBundleFiles = [
  'workflows/**/*.ts',
  'contracts/**/*.ts',
  'money/**/*.ts',
  'observability/check-outcomes.ts',
  'providers/http/errors.ts',
];

/** Production code: it must never import a simulator (or the sandbox that starts them). */
export const productionFiles = [
  'api/**/*.ts',
  'worker/**/*.ts',
  'activities/**/*.ts',
  'workflows/**/*.ts',
  'contracts/**/*.ts',
  'providers/**/*.ts',
  'callbacks/**/*.ts',
  'nexus/**/*.ts',
];
/** Simulator code itself, and the one module that gathers the simulators for the sandbox. */
export const simulatorFiles = [
  'providers/*/simulator/**',
  'providers/simulator-kit/**',
  'providers/sandboxes.ts',
  'providers/simulator-registration.ts',
];
export const simulatorImportBan = {
  group: [
    '**/simulator',
    '**/simulator/**',
    '**/simulator-kit',
    '**/simulator-kit/**',
    '**/sandboxes',
    '**/simulator-registration',
    '**/sandbox/**',
  ],
  message:
    'Production code never loads a simulator: wire simulators from sandbox/, scripts/, tests or bench.',
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', '.stryker-tmp/**', 'reports/**', '.data/**', 'test-artifacts/**', 'eslint.config.mjs'] },
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
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
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
    // Production code never loads a simulator: the worker, the API, activities, workflows, contracts and
    // the provider adapters. Simulators are wired from sandbox/, scripts/, tests and bench only.
    files: productionFiles,
    ignores: simulatorFiles,
    rules: { 'no-restricted-imports': ['error', { patterns: [simulatorImportBan] }] },
  },
  {
    // Everything the workflow bundle pulls in (test/unit/workflow-bundle-lint-scope.test.ts bundles the
    // workflows and fails when a bundled file is missing here). Workflow files are production files too,
    // and a later block replaces a rule's options, so this one bans simulators as well.
    files: workflowBundleFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          // Bare names here; every `node:` form (and zod subpaths) through the pattern below.
          paths: workflowBannedImports.filter((p) => !p.endsWith('/*') && !p.startsWith('node:')),
          patterns: [
            {
              group: ['zod/*', 'node:*'],
              message: 'Workflow code must be deterministic: no Node built-ins, no zod, no I/O.',
            },
            simulatorImportBan,
          ],
        },
      ],
    },
  },
);
