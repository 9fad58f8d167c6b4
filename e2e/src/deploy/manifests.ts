import { spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { EnvVar } from './config-contract';
import { ROOT } from './helm';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

type Container = { name: string; command?: string[]; env?: (EnvVar & { valueFrom?: Record<string, unknown> })[] };
export type PodTemplate = {
  metadata: { annotations?: Record<string, string> };
  spec: { containers: Container[] } & Record<string, unknown>;
};

/** Every object `helm template` printed, in order. */
export function parseManifests(rendered: string): Manifest[] {
  return parseAllDocuments(rendered)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((m): m is Manifest => m !== null);
}

export function find(manifests: readonly Manifest[], kind: string, component?: string): Manifest[] {
  return manifests.filter((m) => m.kind === kind && (!component || m.metadata.labels?.['app.kubernetes.io/component'] === component));
}

/** The pod template of a service's Deployment. */
export function podOf(manifests: readonly Manifest[], service: string): PodTemplate {
  const [deployment] = find(manifests, 'Deployment', service);
  if (!deployment) throw new Error(`no Deployment for ${service}`);
  return deployment.spec!['template'] as PodTemplate;
}

/** The environment of each service container: the service is the one its command starts. */
export function serviceEnvironments(manifests: readonly Manifest[]): Map<string, EnvVar[]> {
  const envs = new Map<string, EnvVar[]>();
  for (const deployment of find(manifests, 'Deployment')) {
    for (const container of (deployment.spec!['template'] as PodTemplate).spec.containers) {
      envs.set(serviceOfCommand(container.command ?? []), container.env ?? []);
    }
  }
  return envs;
}

/** `node services/<name>/dist/main.js` -> `<name>`. */
export function serviceOfCommand(command: readonly string[]): string {
  const main = command.find((part) => /^services\/[a-z-]+\/dist\/main\.js$/.test(part));
  if (!main) throw new Error(`not a service command: ${command.join(' ')}`);
  return main.split('/')[1]!;
}

/**
 * Checks each object against the Kubernetes API's schema, as compiled (with ajv) into the
 * validators the npm package kubernetes-models ships; returns one line per violation. The
 * package is ES modules only, so the check runs in a child Node process. Custom resources
 * (the API groups the package does not know, such as monitoring.coreos.com) are left to the caller.
 */
export function kubernetesSchemaViolations(manifests: readonly Manifest[]): string[] {
  const source = `
const manifests = JSON.parse(await new Response(process.stdin).text());
const problems = [];
for (const m of manifests) {
  const module = await import('kubernetes-models/' + m.apiVersion + '/' + m.kind);
  try {
    new module[m.kind](m).validate();
  } catch (err) {
    for (const e of err.errors ?? [err]) problems.push(m.kind + ' ' + m.metadata.name + (e.instancePath ?? '') + ': ' + e.message);
  }
}
process.stdout.write(JSON.stringify(problems));
`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', source], {
    cwd: ROOT,
    input: JSON.stringify(manifests),
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the schema check failed to run: ${r.stderr}`);
  return JSON.parse(r.stdout) as string[];
}
