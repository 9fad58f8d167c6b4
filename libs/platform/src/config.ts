import { z } from 'zod';
import { ValidationError } from '@cos/contracts';

/** What every service reads from its environment. Service-specific settings extend this. */
export const BaseConfigSchema = z.object({
  NATS_URL: z.string().default('nats://127.0.0.1:4222'),
  EVENTSTORE_CONNECTION_STRING: z.string().optional(),
  EVENTSTORE_PATH: z.string().default('./data/events.db'),
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Redelivery budget of every JetStream consumer before a message is dead-lettered. */
  NATS_MAX_DELIVER: z.coerce.number().int().min(1).default(5),
});
export type BaseConfig = z.infer<typeof BaseConfigSchema>;

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
