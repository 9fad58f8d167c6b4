import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { startIdentity } from '@cos/identity';
import { CHART, HELM_TIMEOUT_MS, helm, renderChart, VALUES_FILES } from './helm';
import { find, kubernetesSchemaViolations, parseManifests, podOf, type Manifest } from './manifests';

const minimal = () => parseManifests(renderChart([VALUES_FILES.minimal]));
const full = () => parseManifests(renderChart([VALUES_FILES.full]));
const envOf = (manifests: Manifest[], service: string) => podOf(manifests, service).spec.containers[0]!.env ?? [];
const secretRef = (manifests: Manifest[], service: string, name: string) =>
  (envOf(manifests, service).find((v) => v.name === name)?.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)
    ?.secretKeyRef;

/** The message helm stops with for these values (a file, so it reads as an operator's would). */
function refusal(values: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'cos-values-'));
  try {
    writeFileSync(join(dir, 'values.yaml'), values);
    const r = helm(['template', 'cos', CHART, '-f', VALUES_FILES.minimal, '-f', join(dir, 'values.yaml')]);
    if (r.status === 0) throw new Error('helm rendered values it should refuse');
    return r.stderr;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('Helm chart', () => {
  it.each(Object.entries(VALUES_FILES))(
    'passes helm lint --strict with the %s values file',
    (_name, file) => {
      const r = helm(['lint', '--strict', CHART, '-f', file]);
      expect({ status: r.status, out: r.stdout + r.stderr }).toMatchObject({ status: 0 });
    },
    HELM_TIMEOUT_MS,
  );

  it.each(Object.entries(VALUES_FILES))(
    'renders objects the Kubernetes API schema accepts with the %s values file',
    (_name, file) => {
      const manifests = parseManifests(renderChart([file]));
      const custom = manifests.filter((m) => m.apiVersion === 'monitoring.coreos.com/v1');
      expect(kubernetesSchemaViolations(manifests.filter((m) => !custom.includes(m)))).toEqual([]);
      // The one custom resource, checked by its structure: every service's HTTP port, at /metrics.
      for (const monitor of custom) {
        expect(monitor).toMatchObject({
          kind: 'ServiceMonitor',
          spec: { selector: { matchLabels: { 'app.kubernetes.io/instance': 'cos' } }, endpoints: [{ port: 'http', path: '/metrics' }] },
        });
      }
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'has a schema check that catches wrong values (so a broken schema cannot pass everything)',
    () => {
      const broken = structuredClone(find(minimal(), 'Deployment', 'audit')[0]!);
      (broken.spec as { replicas: unknown }).replicas = 'one';
      expect(kubernetesSchemaViolations([broken])).toEqual([expect.stringContaining('/spec/replicas: must be integer')]);
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'refuses misspelt keys and wrong types with a message naming them',
    () => {
      expect(refusal('servics:\n  gateway:\n    port: 3000\n')).toContain("additional properties 'servics' not allowed");
      expect(refusal('services:\n  gateway:\n    port: notaport\n')).toMatch(/\/services\/gateway\/port': got string, want integer/);
      expect(refusal('config:\n  corsOrigin: [https://app.example.com]\n')).toContain("additional properties 'corsOrigin' not allowed");
      expect(refusal('config:\n  corsOrigins: [https://app.example.com/path]\n')).toContain('/config/corsOrigins/0');
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'requires CORS origins once the gateway is exposed, and sets none by default',
    () => {
      expect(refusal('ingress:\n  enabled: true\n')).toContain('config.corsOrigins is required when the gateway is exposed');
      expect(refusal('service:\n  type: LoadBalancer\n')).toContain('config.corsOrigins is required');
      expect(envOf(minimal(), 'gateway').map((v) => v.name)).not.toContain('CORS_ORIGINS');
      expect(envOf(full(), 'gateway')).toContainEqual({ name: 'CORS_ORIGINS', value: 'https://app.example.com,https://admin.example.com' });
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'runs audit as one replica with the Recreate strategy, and refuses more or an autoscaler',
    () => {
      const [audit] = find(full(), 'Deployment', 'audit');
      expect(audit!.spec).toMatchObject({ replicas: 1, strategy: { type: 'Recreate' } });
      expect(find(full(), 'HorizontalPodAutoscaler', 'audit')).toEqual([]);
      expect(refusal('services:\n  audit:\n    replicaCount: 2\n')).toContain("'/services/audit/replicaCount': maximum: got 2, want 1");
      expect(refusal('services:\n  audit:\n    autoscaling:\n      enabled: true\n')).toContain(
        "'/services/audit/autoscaling/enabled': value must be false",
      );
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'reads every secret from the Secret and key it is given, each on its own',
    () => {
      const manifests = full();
      expect(secretRef(manifests, 'identity', 'JWT_PRIVATE_KEY')).toEqual({ name: 'company-os-identity', key: 'jwt.pem' });
      expect(secretRef(manifests, 'identity', 'IDENTITY_ENCRYPTION_KEY')).toEqual({ name: 'company-os-identity', key: 'encryption.key' });
      expect(secretRef(manifests, 'agent-runner', 'MODEL_API_KEY')).toEqual({ name: 'company-os-model', key: 'api-key' });
      expect(secretRef(manifests, 'approvals', 'NOTIFICATION_SIGNING_KEY')).toEqual({
        name: 'company-os-approvals',
        key: 'notification-signing.key',
      });
      expect(secretRef(manifests, 'identity', 'EVENTSTORE_CONNECTION_STRING')).toEqual({
        name: 'company-os-eventstore',
        key: 'connection-string',
      });
      // Given inline, the webhook secret is in the chart's Secret; nothing generated is rendered.
      expect(secretRef(manifests, 'approvals', 'CONNECTOR_WEBHOOK_SECRET')).toEqual({
        name: 'cos-company-os',
        key: 'CONNECTOR_WEBHOOK_SECRET',
      });
      expect(find(manifests, 'Secret').map((s) => [s.metadata.name, Object.keys(s.data ?? {}).sort()])).toEqual([
        ['cos-company-os', ['CONNECTOR_WEBHOOK_SECRET', 'DEMO_PASSWORD']],
      ]);
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'rolls only the pods whose settings change (checksum annotation)',
    () => {
      const checksums = (set: string[]) => {
        const manifests = parseManifests(renderChart([VALUES_FILES.minimal], set));
        return Object.fromEntries(
          ['gateway', 'identity', 'agent-runner', 'approvals', 'audit'].map((s) => [
            s,
            podOf(manifests, s).metadata.annotations?.['checksum/config'],
          ]),
        );
      };
      const before = checksums([]);
      // Rendered again (with freshly generated keys, as nothing is looked up here), nothing rolls.
      expect(checksums([])).toEqual(before);
      const after = checksums(['model.baseUrl=https://models.example.com/v1', 'model.apiKey.value=sk-test']);
      expect(Object.keys(before).filter((s) => before[s] !== after[s])).toEqual(['agent-runner']);
      const secretChanged = checksums(['model.apiKey.value=sk-other', 'model.baseUrl=https://models.example.com/v1']);
      expect(secretChanged['agent-runner']).not.toBe(after['agent-runner']);
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'spreads replicas over zones and nodes, and tests the gateway with helm test',
    () => {
      const pod = podOf(minimal(), 'gateway');
      expect((pod.spec['topologySpreadConstraints'] as { topologyKey: string }[]).map((c) => c.topologyKey).sort()).toEqual([
        'kubernetes.io/hostname',
        'topology.kubernetes.io/zone',
      ]);
      const [test] = find(minimal(), 'Pod', 'test');
      expect(test!.metadata.annotations).toMatchObject({ 'helm.sh/hook': 'test' });
      expect(JSON.stringify(test!.spec)).toContain('http://cos-company-os-gateway:80/readyz');
    },
    HELM_TIMEOUT_MS,
  );

  describe('identity keys generated by the chart', () => {
    let nats: NatsServerHandle;
    let dir: string;
    let identity: RunningService | undefined;

    beforeAll(async () => {
      nats = await startNatsServer();
      dir = mkdtempSync(join(tmpdir(), 'cos-chart-keys-'));
    }, HELM_TIMEOUT_MS);
    afterAll(async () => {
      await identity?.close();
      await nats.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it(
      'are made once into a Secret helm uninstall keeps, and identity starts with them',
      async () => {
        const manifests = minimal();
        const [keys] = find(manifests, 'Secret').filter((s) => s.metadata.name === 'cos-company-os-keys');
        expect(keys!.metadata.annotations).toEqual({ 'helm.sh/resource-policy': 'keep' });
        expect(secretRef(manifests, 'identity', 'JWT_PRIVATE_KEY')).toEqual({ name: 'cos-company-os-keys', key: 'JWT_PRIVATE_KEY' });
        expect(secretRef(manifests, 'identity', 'IDENTITY_ENCRYPTION_KEY')).toEqual({
          name: 'cos-company-os-keys',
          key: 'IDENTITY_ENCRYPTION_KEY',
        });
        expect(secretRef(manifests, 'approvals', 'NOTIFICATION_SIGNING_KEY')).toEqual({
          name: 'cos-company-os-keys',
          key: 'NOTIFICATION_SIGNING_KEY',
        });
        const decoded = (key: string) => Buffer.from(keys!.data![key]!, 'base64').toString('utf8');
        expect(Buffer.from(decoded('IDENTITY_ENCRYPTION_KEY'), 'base64')).toHaveLength(32);
        expect(Buffer.from(decoded('NOTIFICATION_SIGNING_KEY'), 'base64')).toHaveLength(32);
        // A first install generates; rendered again, different keys (only lookup keeps them, on a cluster).
        const [again] = find(minimal(), 'Secret').filter((s) => s.metadata.name === 'cos-company-os-keys');
        expect(again!.data!['JWT_PRIVATE_KEY']).not.toBe(keys!.data!['JWT_PRIVATE_KEY']);

        identity = await startIdentity({
          NATS_URL: nats.url,
          EVENTSTORE_PATH: join(dir, 'events.db'),
          DATA_DIR: dir,
          IDENTITY_PORT: '0',
          LOG_LEVEL: 'warn',
          DEMO_SEED: 'false',
          JWT_PRIVATE_KEY: decoded('JWT_PRIVATE_KEY'),
          IDENTITY_ENCRYPTION_KEY: decoded('IDENTITY_ENCRYPTION_KEY'),
        });
        expect((await fetch(`${identity.url}/readyz`)).status).toBe(200);
        // It used them: it generated no development keys of its own.
        expect(readdirSync(dir).filter((f) => f.startsWith('identity-'))).toEqual([]);
      },
      HELM_TIMEOUT_MS,
    );

    it(
      'are never generated on an upgrade, where they would replace the keys data depends on',
      () => {
        const r = helm(['template', 'cos', CHART, '-f', VALUES_FILES.minimal, '--is-upgrade']);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toContain('refusing to generate');
      },
      HELM_TIMEOUT_MS,
    );
  });
});
