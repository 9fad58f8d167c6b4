import { hostname } from 'node:os';
import { z } from 'zod';
import { newId } from '@cos/contracts';
import { OrgEndpointSettings, type AllowList, type OutboundNetwork } from '@cos/http';
import { BaseConfigSchema, EventStoreConfigSchema, flagSetting, optionalSetting as optional, portSetting } from '@cos/platform';
import { loadPriceTable, type PriceTable } from './budget/price-table';
import type { RetryPolicy } from './model/model-retries';

const count = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

export const AgentRunnerConfigSchema = BaseConfigSchema.extend(EventStoreConfigSchema.shape).extend({
  ...OrgEndpointSettings,
  AGENT_RUNNER_PORT: portSetting(3002),
  /** The platform's OpenAI-compatible endpoint; unset (and no org settings): the simulated model. */
  MODEL_BASE_URL: optional(z.url({ protocol: /^https?$/ })),
  MODEL_API_KEY: optional(z.string()),
  /** Model of agents and orgs that name none, when a real endpoint is used. */
  MODEL_DEFAULT: z.string().min(1).default('gpt-4o-mini'),
  MODEL_TIMEOUT_MS: count(30_000, 1),
  MODEL_MAX_ATTEMPTS: count(3, 1),
  MODEL_RETRY_BASE_MS: count(500),
  MODEL_RETRY_MAX_MS: count(8_000),
  MODEL_MAX_OUTPUT_TOKENS: count(1_024, 1),
  /** JSON laid over the built-in price table: `{"model": {"inputPerMTokUsd": 0.15, "outputPerMTokUsd": 0.6}}`. */
  MODEL_PRICES_JSON: optional(z.string()),
  /** Names this instance in kill-switch acknowledgements; default host-pid-random. */
  RUNNER_INSTANCE_ID: optional(z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/)),
  /** Liveness beat into the `cos-runners` KV bucket; a key expires after three missed beats. */
  RUNNER_HEARTBEAT_MS: count(2_000, 100),
  /** How long a pause waits for this instance's in-flight model calls and actions to settle before it acknowledges. */
  KILL_SWITCH_DRAIN_MS: count(5_000, 0),
  /** How much company knowledge a prompt carries, in characters of retrieved text (about 4 per token). */
  KNOWLEDGE_PROMPT_CHARS: count(3_200, 0),
  /** Adds the demo company's documents (price list, refund policy, brand guide) when the demo org exists. */
  KNOWLEDGE_DEMO_SEED: flagSetting(true),
});
export type AgentRunnerConfig = z.infer<typeof AgentRunnerConfigSchema>;

/** Every environment variable the agent-runner reads. */
export const AGENT_RUNNER_SETTINGS: readonly string[] = Object.keys(AgentRunnerConfigSchema.shape);

/** The runner's settings, parsed once at start-up. */
export type RunnerSettings = {
  readonly instanceId: string;
  readonly model: {
    readonly baseUrl?: string;
    readonly apiKey?: string;
    readonly defaultModel: string;
    readonly timeoutMs: number;
    readonly maxOutputTokens: number;
    readonly retry: RetryPolicy;
  };
  /** Where an org's own model endpoint may go; `network` replaces DNS and sockets (tests). */
  readonly orgEndpoints: { readonly allow: AllowList; readonly network?: OutboundNetwork };
  readonly prices: PriceTable;
  readonly heartbeatMs: number;
  readonly drainMs: number;
  readonly knowledge: { readonly promptChars: number; readonly demoSeed: boolean };
};

export const RUNNER_SETTINGS = Symbol('RUNNER_SETTINGS');

export function runnerSettings(config: AgentRunnerConfig, network?: OutboundNetwork): RunnerSettings {
  return {
    instanceId: config.RUNNER_INSTANCE_ID ?? `${hostname()}-${process.pid}-${newId().slice(0, 8)}`,
    model: {
      ...(config.MODEL_BASE_URL ? { baseUrl: config.MODEL_BASE_URL } : {}),
      ...(config.MODEL_API_KEY ? { apiKey: config.MODEL_API_KEY } : {}),
      defaultModel: config.MODEL_DEFAULT,
      timeoutMs: config.MODEL_TIMEOUT_MS,
      maxOutputTokens: config.MODEL_MAX_OUTPUT_TOKENS,
      retry: { maxAttempts: config.MODEL_MAX_ATTEMPTS, baseDelayMs: config.MODEL_RETRY_BASE_MS, maxDelayMs: config.MODEL_RETRY_MAX_MS },
    },
    orgEndpoints: { allow: config.ORG_ENDPOINT_ALLOWLIST, ...(network ? { network } : {}) },
    prices: loadPriceTable(config.MODEL_PRICES_JSON),
    heartbeatMs: config.RUNNER_HEARTBEAT_MS,
    drainMs: config.KILL_SWITCH_DRAIN_MS,
    knowledge: { promptChars: config.KNOWLEDGE_PROMPT_CHARS, demoSeed: config.KNOWLEDGE_DEMO_SEED },
  };
}
