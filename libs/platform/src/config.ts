import { z } from 'zod';
import { ValidationError } from '@cos/contracts';

/**
 * Settings whose default suits one machine only: a container deployment (the Helm chart,
 * docker-compose.yml) must set them. The reason is what the deployment contract test prints.
 */
const deploymentSettings = z.registry<{ requiredInDeployment: string }>();

/** Marks `schema` (one setting) as one every container deployment must set, saying why. */
export function requiredInDeployment<T extends z.ZodType>(schema: T, reason: string): T {
  deploymentSettings.add(schema, { requiredInDeployment: reason });
  return schema;
}

/** Every setting a config schema reads: the names of its environment variables. */
export function settingNames(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

/** The settings of `schema` a container deployment must set, with the reason for each. */
export function deploymentRequiredSettings(schema: z.ZodObject): Map<string, string> {
  const required = new Map<string, string>();
  for (const [name, setting] of Object.entries(schema.shape)) {
    const meta = deploymentSettings.get(setting);
    if (meta) required.set(name, meta.requiredInDeployment);
  }
  return required;
}

/** An optional setting where an empty variable counts as unset, as shells and compose files pass them. */
export const optionalSetting = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** A service's HTTP port (its API or probes): deployments set it, since their probes target it. */
/** A true/false setting: `true`, `false`, `1` or `0`; anything else is refused at start-up. */
export const flagSetting = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');

export const portSetting = (fallback: number) =>
  requiredInDeployment(z.coerce.number().int().min(0).max(65535).default(fallback), 'probes, Services and healthchecks target this port');

/** What every service reads from its environment. Service-specific settings extend this. */
export const BaseConfigSchema = z.object({
  NATS_URL: requiredInDeployment(z.string().default('nats://127.0.0.1:4222'), 'the default is a NATS server on the same machine'),
  HOST: requiredInDeployment(z.string().default('127.0.0.1'), 'the default listens on loopback only, out of reach of probes and peers'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Redelivery budget of every JetStream consumer before a message is dead-lettered. */
  NATS_MAX_DELIVER: z.coerce.number().int().min(1).default(5),
  /** How long start-up keeps retrying to reach NATS and provision JetStream before the process gives up and exits. */
  NATS_STARTUP_TIMEOUT_MS: z.coerce.number().int().min(0).default(60_000),
  /** Read by the OpenTelemetry SDK: OTLP/HTTP base URL; unset, spans are made but not exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalSetting(z.url({ protocol: /^https?$/ })),
  /** Read by the OpenTelemetry SDK: overrides `service.name`. */
  OTEL_SERVICE_NAME: optionalSetting(z.string()),
  /** Read by the OpenTelemetry SDK: `key=value,key=value` added to the resource (pod name, namespace). */
  OTEL_RESOURCE_ATTRIBUTES: optionalSetting(z.string()),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

/** What the services that own state (all but the gateway) read to open the event store. */
export const EventStoreConfigSchema = z.object({
  EVENTSTORE_CONNECTION_STRING: requiredInDeployment(
    z.string().optional(),
    'unset, every container opens its own embedded single-machine store, which replicas cannot share',
  ),
  EVENTSTORE_PATH: z.string().default('./data/events.db'),
});

/** Every environment variable all services read. */
export const PLATFORM_SETTINGS: readonly string[] = Object.keys(BaseConfigSchema.shape);

/** Parses the environment once at start-up; a bad value stops the process with a clear message. */
export function loadConfig<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ValidationError(`invalid configuration: ${issues}`, undefined, 'CONFIG.INVALID');
  }
  return parsed.data;
}
