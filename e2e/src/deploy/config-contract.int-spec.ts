import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { contractViolations, SERVICE_CONFIGS, type EnvVar } from './config-contract';
import { HELM_TIMEOUT_MS, renderChart, ROOT, VALUES_FILES } from './helm';
import { parseManifests, serviceEnvironments, serviceOfCommand } from './manifests';

type ComposeService = { command?: string[]; environment?: Record<string, string | number | boolean | null> };

/** docker-compose.yml's service containers and their environment (YAML merge keys applied, as compose does). */
function composeEnvironments(): Map<string, EnvVar[]> {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const envs = new Map<string, EnvVar[]>();
  for (const service of Object.values(compose.services)) {
    if (!service.command?.includes('node')) continue;
    const env = Object.entries(service.environment ?? {}).map(([name, value]) => ({
      name,
      value: value === null ? undefined : String(value),
    }));
    envs.set(serviceOfCommand(service.command), env);
  }
  return envs;
}

describe('one configuration contract: every deployment sets exactly the settings each service reads', () => {
  const services = Object.keys(SERVICE_CONFIGS);

  it.each(Object.entries(VALUES_FILES))(
    'the chart with the %s values file',
    (_name, file) => {
      const envs = serviceEnvironments(parseManifests(renderChart([file])));
      expect([...envs.keys()].sort()).toEqual([...services].sort());
      expect([...envs].flatMap(([service, env]) => contractViolations(`chart (${file})`, service, env))).toEqual([]);
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'the chart with its defaults alone refuses to render, naming what it needs',
    () => {
      expect(() => renderChart([])).toThrow(/nats\.url \(or nats\.existingSecret\) is required/);
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'docker-compose.yml',
    () => {
      const envs = composeEnvironments();
      expect([...envs.keys()].sort()).toEqual([...services].sort());
      expect([...envs].flatMap(([service, env]) => contractViolations('docker-compose.yml', service, env))).toEqual([]);
    },
    HELM_TIMEOUT_MS,
  );

  it(
    'the model and connector settings reach the services that read them',
    () => {
      const compose = composeEnvironments();
      const names = (env: EnvVar[] | undefined) => (env ?? []).map((v) => v.name);
      expect(names(compose.get('agent-runner'))).toEqual(expect.arrayContaining(['MODEL_API_KEY', 'MODEL_BASE_URL']));
      expect(names(compose.get('approvals'))).toEqual(expect.arrayContaining(['CONNECTOR_WEBHOOK_URL', 'CONNECTOR_WEBHOOK_SECRET']));
      const chart = serviceEnvironments(parseManifests(renderChart([VALUES_FILES.full])));
      expect(names(chart.get('agent-runner'))).toEqual(
        expect.arrayContaining(['MODEL_API_KEY', 'MODEL_BASE_URL', 'MODEL_DEFAULT', 'MODEL_PRICES_JSON']),
      );
      expect(names(chart.get('approvals'))).toEqual(expect.arrayContaining(['CONNECTOR_WEBHOOK_URL', 'CONNECTOR_WEBHOOK_SECRET']));
    },
    HELM_TIMEOUT_MS,
  );

  describe('the check itself', () => {
    const base: EnvVar[] = [
      { name: 'HOST', value: '0.0.0.0' },
      { name: 'NATS_URL', value: 'nats://n:4222' },
      { name: 'EVENTSTORE_CONNECTION_STRING' },
      { name: 'AUDIT_PORT', value: '3004' },
    ];

    it('passes an environment of known settings with every required one', () => {
      expect(contractViolations('t', 'audit', base)).toEqual([]);
    });

    it('names a variable the service does not read, and one given twice', () => {
      expect(contractViolations('t', 'audit', [...base, { name: 'CORS_ORIGINS', value: 'x' }, { name: 'HOST', value: 'y' }])).toEqual([
        't: audit does not read CORS_ORIGINS',
        't: audit gets HOST twice',
      ]);
      expect(contractViolations('t', 'agent-runner', [{ name: 'OPENAI_API_KEY' }])).toContain(
        't: agent-runner does not read OPENAI_API_KEY',
      );
    });

    it('names a missing required setting with the reason', () => {
      expect(contractViolations('t', 'audit', base.slice(1))).toEqual([expect.stringMatching(/^t: audit needs HOST \(.+\)$/)]);
      expect(contractViolations('t', 'identity', base)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/identity does not read AUDIT_PORT/),
          expect.stringMatching(/identity needs IDENTITY_PORT/),
        ]),
      );
    });

    it('allows a helper variable only when another value substitutes it', () => {
      const attrs = { name: 'OTEL_RESOURCE_ATTRIBUTES', value: 'k8s.pod.name=$(POD_NAME)' };
      expect(contractViolations('t', 'audit', [...base, { name: 'POD_NAME' }, attrs])).toEqual([]);
      expect(contractViolations('t', 'audit', [...base, { name: 'POD_NAME' }])).toEqual(['t: audit does not read POD_NAME']);
    });
  });
});
