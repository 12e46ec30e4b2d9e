// @ts-check
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';
import { layerRules } from './eslint.layers.mjs';

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'prisma/generated/',
      'dist/',
      '.data/',
      '.tools/',
      'coverage/',
      // The console (Vue + TypeScript) is checked by vue-tsc (npm run lint); its build is not linted.
      'web/',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  // Who may import whom (docs/ARCHITECTURE.md, "Layers").
  ...layerRules(),
  {
    // Workflow code runs in Temporal's deterministic sandbox: no I/O, no clients, activities by type only.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflow code cannot use Node built-ins.' })),
          patterns: [
            {
              group: ['@prisma/*', '**/prisma/generated/**', 'pg'],
              message: 'Workflow code cannot touch the database; use an activity.',
            },
            { group: ['nodemailer'], message: 'Workflow code cannot send e-mail; use an activity.' },
            {
              group: ['@temporalio/client', '@temporalio/worker', '@temporalio/activity'],
              message: 'Not available inside workflows.',
            },
            {
              group: ['**/activities', '**/activities/*'],
              allowTypeImports: true,
              message: 'Workflows import activity types only.',
            },
            {
              regex: '^(\\.\\.?/)+(.*/)?(config|platform|data|services|reports|temporal|api|worker|dev)(/|$)',
              allowTypeImports: true,
              message:
                'Workflow code imports no I/O module, only its types (docs/ARCHITECTURE.md, "Layers").',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        __filename: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    // Tests read JSON responses as `any` on purpose: the assertions are the type check.
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
);
