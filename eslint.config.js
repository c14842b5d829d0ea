// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cache/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/require-await': 'off',
      // Kafka's librdkafka binding and piscina expose loosely typed callbacks; narrowing is done at the boundary.
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: true }],
    },
  },
  {
    // The example connector packages carry their own tsconfig.json (for building on their own, with
    // connectd from node_modules); here they are checked with the root one, which maps connectd/sdk.
    files: ['examples/**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
  },
  {
    // tap runs subtests in order without awaiting `t.test(...)`; that is its documented style.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
  // The thread boundary, checked at build time (docs/design/2026-12-07-thread-layout.md):
  // src/main-thread/ may load the Kafka binding; src/shared/, src/worker-thread/ and workers/ are
  // loaded by worker threads and may not reach it, directly or through src/main-thread/.
  {
    files: ['workers/**/*.ts', 'src/shared/**/*.ts', 'src/worker-thread/**/*.ts', 'examples/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@confluentinc/kafka-javascript',
              message: 'The Kafka binding is main-thread only: this module is loaded by worker threads.',
            },
          ],
          patterns: [
            {
              group: ['**/main-thread/**', '**/main-thread'],
              message: 'Worker-thread and shared code may not import src/main-thread/ (it owns the Kafka binding).',
            },
            {
              group: ['@confluentinc/kafka-javascript/**'],
              message: 'The Kafka binding is main-thread only: this module is loaded by worker threads.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main-thread/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workers/**'],
              message:
                'The main thread starts worker-thread entries by URL (piscina, Worker), never imports them; shared types live in src/shared/.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main-thread/kafka/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/workers/**'],
              message:
                'The main thread starts worker-thread entries by URL (piscina, Worker), never imports them; shared types live in src/shared/.',
            },
            {
              group: [
                '**/runtime/*herder*',
                '**/runtime/distributed/**',
                '**/runtime/worker',
                '**/runtime/worker.js',
                '**/runtime/worker-*',
              ],
              message:
                'src/main-thread/kafka/ holds Kafka clients; the herders, the Worker and its tasks use them, not the other way round.',
            },
          ],
        },
      ],
    },
  },
);
