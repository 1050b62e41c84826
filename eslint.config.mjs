// Lint gates. The domain rules make purity a build failure (no framework, no I/O, no clock,
// no randomness); the rest are the habits every file keeps: no floating promises, exhaustive
// switches, comparators on every sort, no focused tests.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const forbiddenInDomain = [
  { group: ['@nestjs/*', 'kafkajs', 'ioredis', 'typeorm', 'pg', 'pg-*', 'node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process', 'os', 'crypto', 'events', 'stream', 'worker_threads', 'url', 'util'], message: 'libs/domain is pure: no framework, no I/O, no Node built-ins.' },
  { group: ['@freshet/*'], message: 'libs/domain imports nothing outside itself.' },
  { group: ['../../*'], message: 'libs/domain imports nothing outside itself.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', '.freshet/**', 'coverage/**', 'artifacts/**', '**/*.js', '**/*.mjs', 'apps/planner/ui/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/require-array-sort-compare': ['error', { ignoreStringArrays: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name='only']", message: 'No focused tests.' }],
    },
  },
  {
    files: ['libs/domain/**/*.ts'],
    ignores: ['libs/domain/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: forbiddenInDomain }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'The domain reads no environment.' },
        { name: 'setTimeout', message: 'The domain has no clock.' },
        { name: 'setInterval', message: 'The domain has no clock.' },
        { name: 'fetch', message: 'The domain does no I/O.' },
        { name: 'require', message: 'The domain imports statically.' }],
      'no-restricted-syntax': ['error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'No clock reads in the domain: pass `now` in.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'No clock reads in the domain: pass `now` in.' },
        { selector: "CallExpression[callee.object.name='Math'][callee.property.name='random']", message: 'No randomness in the domain: pass a seed or id in.' },
        { selector: "CallExpression[callee.object.name='performance']", message: 'No clock reads in the domain.' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'libs/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
