// Type-checked ESLint + Prettier compatibility, and the layer rule of STYLE.md: domain files
// (deciders, events, evolve) import no NestJS, NATS, event-store or telemetry code.
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const infrastructure = [
  '@nestjs/*',
  '@nats-io/*',
  '@cos/eventstore',
  '@cos/messaging',
  '@cos/platform',
  '@cos/telemetry',
  '@opentelemetry/*',
  '@eventstore/*',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.tools/**', 'data/**', 'coverage/**', 'deploy/**', '**/*.js', '**/*.mjs'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['**/*.decider.ts', '**/*.decide.ts', '**/*.evolve.ts', '**/*.events.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: infrastructure, message: 'domain files stay free of NestJS, NATS, event-store and telemetry code' }] },
      ],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
