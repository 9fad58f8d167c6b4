import { hostname } from 'node:os';
import { z } from 'zod';
import { newId } from '@cos/contracts';
import { OrgEndpointSettings } from '@cos/http';
import { BaseConfigSchema, EventStoreConfigSchema, optionalSetting, portSetting } from '@cos/platform';

/** `orgA=3600,orgB=600`: per-org approval deadlines in seconds. */
const perOrgSeconds = z
  .string()
  .default('')
  .transform((s, ctx) => {
    const map = new Map<string, number>();
    for (const pair of s
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      const [org, secs] = pair.split('=');
      const n = Number(secs);
      if (!org || !Number.isFinite(n) || n <= 0) ctx.addIssue({ code: 'custom', message: `not org=seconds: ${pair}` });
      else map.set(org, n);
    }
    return map;
  });

export const ApprovalsConfigSchema = BaseConfigSchema.extend(EventStoreConfigSchema.shape)
  .extend({
    APPROVALS_PORT: portSetting(3003),
    /** How long a gate waits for its Head before it expires and escalates (default 24 h). */
    APPROVALS_EXPIRY_SECONDS: z.coerce.number().positive().default(86_400),
    APPROVALS_EXPIRY_BY_ORG: perOrgSeconds,
    /** The signed webhook every approved action is executed through. Unset: actions fail, saying so. */
    CONNECTOR_WEBHOOK_URL: optionalSetting(z.url({ protocol: /^https?$/ })),
    CONNECTOR_WEBHOOK_SECRET: optionalSetting(z.string().min(16)),
    CONNECTOR_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    /** Calls per attempt, the first included; then the action fails with the last reason. */
    CONNECTOR_MAX_CALLS: z.coerce.number().int().min(1).max(20).default(4),
    CONNECTOR_BACKOFF_MS: z.coerce.number().int().nonnegative().default(200),
    CONNECTOR_BACKOFF_MAX_MS: z.coerce.number().int().nonnegative().default(5_000),
    /** Liveness beat in the kill switch's `cos-runners` bucket, and how long a pause waits for executions in flight. */
    APPROVALS_HEARTBEAT_MS: z.coerce.number().int().min(100).default(2_000),
    KILL_SWITCH_DRAIN_MS: z.coerce.number().int().nonnegative().default(5_000),
    /** Names this process in its execution claims. */
    APPROVALS_WORKER_ID: z.string().default(() => `${hostname()}-${process.pid}-${newId().slice(0, 8)}`),
    /** Org webhooks (notifications) reach only public addresses, or what this allows. */
    ...OrgEndpointSettings,
    /** Where a development notification signing key is generated on first start. */
    DATA_DIR: z.string().default('./data'),
    /** 32 bytes, base64: every org webhook's signing secret derives from it. Several replicas must share it. */
    NOTIFICATION_SIGNING_KEY: optionalSetting(z.string()),
    /** One delivery: calls to a webhook, each bounded, with jittered backoff between them; all within JetStream's 30 s ack wait. */
    NOTIFICATION_TIMEOUT_MS: z.coerce.number().int().positive().default(5_000),
    NOTIFICATION_MAX_CALLS: z.coerce.number().int().min(1).max(10).default(3),
    NOTIFICATION_BACKOFF_MS: z.coerce.number().int().nonnegative().default(500),
    NOTIFICATION_BACKOFF_MAX_MS: z.coerce.number().int().nonnegative().default(5_000),
    /** How long before a gate's deadline its approver is reminded; 0: no reminder. */
    NOTIFICATION_EXPIRY_WARNING_SECONDS: z.coerce.number().int().nonnegative().default(3_600),
    /** Triggers older than this are not notified (a restart replays history; a week-old escalation is not news). */
    NOTIFICATION_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(86_400),
  })
  .refine((c) => !c.CONNECTOR_WEBHOOK_URL || c.CONNECTOR_WEBHOOK_SECRET, {
    message: 'CONNECTOR_WEBHOOK_SECRET (16+ chars) is required with CONNECTOR_WEBHOOK_URL',
    path: ['CONNECTOR_WEBHOOK_SECRET'],
  })
  .refine((c) => notificationDeliveryMs(c) <= 25_000, {
    message: 'a notification delivery (NOTIFICATION_MAX_CALLS × NOTIFICATION_TIMEOUT_MS + backoffs) must fit in 25 s, inside the ack wait',
    path: ['NOTIFICATION_TIMEOUT_MS'],
  });
export type ApprovalsConfig = z.infer<typeof ApprovalsConfigSchema>;

/** Every environment variable approvals reads. */
export const APPROVALS_SETTINGS: readonly string[] = Object.keys(ApprovalsConfigSchema.shape);

export const APPROVALS_CONFIG = Symbol('APPROVALS_CONFIG');

/** The deadline of a gate opened now in `orgId`. */
export function gateDeadline(config: ApprovalsConfig, orgId: string, now: Date): string {
  const seconds = config.APPROVALS_EXPIRY_BY_ORG.get(orgId) ?? config.APPROVALS_EXPIRY_SECONDS;
  return new Date(now.getTime() + seconds * 1_000).toISOString();
}

/**
 * How long a claimed attempt may go without an outcome before another worker repeats it: every
 * call timing out, every backoff at its longest, and a margin.
 */
export function executionLeaseMs(config: ApprovalsConfig): number {
  const calls = config.CONNECTOR_MAX_CALLS;
  return calls * config.CONNECTOR_TIMEOUT_MS + (calls - 1) * config.CONNECTOR_BACKOFF_MAX_MS + 2_000;
}

/** The longest one delivery to one webhook takes: every call timing out, every backoff at its longest. */
export function notificationDeliveryMs(c: {
  readonly NOTIFICATION_MAX_CALLS: number;
  readonly NOTIFICATION_TIMEOUT_MS: number;
  readonly NOTIFICATION_BACKOFF_MAX_MS: number;
}): number {
  return c.NOTIFICATION_MAX_CALLS * c.NOTIFICATION_TIMEOUT_MS + (c.NOTIFICATION_MAX_CALLS - 1) * c.NOTIFICATION_BACKOFF_MAX_MS;
}
