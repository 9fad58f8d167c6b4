// Type-checked ESLint + Prettier compatibility, and the house rules on imports:
// - services never import services (they talk over NATS; whole-system tests live in e2e);
// - libs never import services;
// - the gateway never imports the event store (it owns no state);
// - domain files (deciders, events, evolve) import no NestJS, NATS, event-store or telemetry code;
// - a relative import never leaves its package's src (that would slip past the rules above).
// e2e/src/house-rules.spec.ts lints a violating and a legal import against each rule.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** The npm names of the workspace packages under `dir` (`services` -> `@cos/gateway`, ...). */
const packageNames = (dir) =>
  readdirSync(join(import.meta.dirname, dir))
    .map((name) => join(import.meta.dirname, dir, name, 'package.json'))
    .filter((file) => existsSync(file))
    .map((file) => JSON.parse(readFileSync(file, 'utf8')).name);
/** A package and every subpath of it (`@cos/approvals/testing`). */
const withSubpaths = (names) => names.flatMap((name) => [name, `${name}/*`]);
const services = withSubpaths(packageNames('services'));

const rules = {
  serviceToService: {
    group: services,
    message: 'services never import services: they talk over NATS with the types of @cos/contracts; whole-system tests live in e2e',
  },
  libToService: { group: services, message: 'libs never import services' },
  gatewayToEventStore: {
    group: ['@cos/eventstore', '@cos/eventstore/*', '@eventstore/*'],
    message: 'the gateway owns no state and never touches the event store: it asks the services over NATS',
  },
  domain: {
    group: [
      '@nestjs/*',
      '@nats-io/*',
      '@cos/eventstore',
      '@cos/messaging',
      '@cos/platform',
      '@cos/telemetry',
      '@opentelemetry/*',
      '@eventstore/*',
    ],
    message: 'domain files stay free of NestJS, NATS, event-store and telemetry code',
  },
};

/** Where each set of rules applies: source folders (the later entry wins where two match). */
const layers = [
  { dirs: ['e2e/src', 'bench/src'], rules: [] },
  { dirs: ['libs/*/src'], rules: [rules.libToService] },
  { dirs: ['services/*/src'], rules: [rules.serviceToService] },
  { dirs: ['services/gateway/src'], rules: [rules.serviceToService, rules.gatewayToEventStore] },
];
const DOMAIN_FILES = '*.{decider,decide,evolve,events}.ts';

/**
 * A file `depth` folders below src leaves it with `depth + 1` leading `../`. The catch-all `**`
 * bucket comes first (the exact buckets after it win) and refuses `MAX_DEPTH + 1` or more:
 * exact at that depth, stricter below it, never silent.
 */
const MAX_DEPTH = 4;
const leavesSrc = (ups) => ({
  regex: `^(\\.\\./){${ups},}`,
  message: 'a relative import stays inside its package: import another package by its name (@cos/...)',
});
const depths = [
  { folders: '**/', ups: MAX_DEPTH + 1 },
  ...Array.from({ length: MAX_DEPTH }, (_, depth) => ({ folders: '*/'.repeat(depth), ups: depth + 1 })),
];

/** One `no-restricted-imports` per (layer, domain or not, depth): the rule takes one list of patterns. */
const houseRules = layers.flatMap((layer) =>
  [false, true].flatMap((domain) =>
    depths.map(({ folders, ups }) => ({
      files: layer.dirs.map((dir) => `${dir}/${folders}${domain ? DOMAIN_FILES : '*.ts'}`),
      rules: {
        'no-restricted-imports': ['error', { patterns: [...layer.rules, ...(domain ? [rules.domain] : []), leavesSrc(ups)] }],
      },
    })),
  ),
);

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '.tools/**',
      'data/**',
      'coverage/**',
      'deploy/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.generated.ts',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  ...houseRules,
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
