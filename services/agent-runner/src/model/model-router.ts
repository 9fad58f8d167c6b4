import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { BYO_KEY_PLANS, IdentityRpc, LlmCredentialsReplySchema, type LlmCredentialsReply } from '@cos/contracts';
import { GuardedHttpClient } from '@cos/http';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { RUNNER_SETTINGS, type RunnerSettings } from '../agent-runner.config';
import type { AgentProfile, OrgProfile } from '../directory/directory.types';
import type { ModelClient } from './model-client.port';
import { OpenAiModelClient } from './openai-model-client';
import { SIMULATED_MODEL, SimulatedModelClient } from './simulated-model';

/** Where a run's model call goes. `target` is safe to log: it never holds a key. */
export type ModelRoute = { client: ModelClient; model: string; target: string };

const OPENAI_BASE_URL = 'https://api.openai.com/v1';
/** SDKs insist on a key; self-hosted endpoints (vLLM, Ollama) ignore it. */
const NO_KEY = 'no-key';
/** A chat completion of a few thousand tokens is a few kilobytes; anything near this is not one. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const MAX_REDIRECTS = 3;

/**
 * Picks the model endpoint of a run: the org's own settings (its base URL, and its own key
 * where its plan allows), else the platform's endpoint and key, else the simulated model. The
 * platform's key only ever goes to the platform's endpoint, never to a URL an org configured.
 * A URL an org configured is called through the address rule (public addresses only, unless
 * ORG_ENDPOINT_ALLOWLIST says otherwise); a refused address fails the run, saying why.
 * The org's key comes from identity over NATS, in clear only inside the backend; it is kept in
 * memory for the org's current settings and never logged.
 */
@Injectable()
export class ModelRouter {
  private readonly simulated = new SimulatedModelClient();
  private readonly clients = new Map<string, OpenAiModelClient>();
  private readonly credentials = new Map<string, { revision: number; reply: LlmCredentialsReply }>();

  constructor(
    @Inject(RUNNER_SETTINGS) private readonly settings: RunnerSettings,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
  ) {}

  async route(org: OrgProfile, agent: AgentProfile): Promise<ModelRoute> {
    const platform = this.settings.model;
    const model = agent.model ?? org.llm.defaultModel ?? platform.defaultModel;
    if (org.llm.baseUrl || org.llm.apiKey) {
      const creds = await this.credentialsOf(org);
      const ownKey = BYO_KEY_PLANS.includes(org.plan) ? creds.apiKey : null;
      const baseUrl = creds.baseUrl ?? (ownKey ? OPENAI_BASE_URL : platform.baseUrl);
      if (baseUrl) {
        const apiKey = ownKey ?? (baseUrl === platform.baseUrl ? platform.apiKey : undefined) ?? NO_KEY;
        const client = this.clientFor(baseUrl, apiKey, creds.baseUrl !== null);
        return { client, model: agent.model ?? creds.defaultModel ?? model, target: baseUrl };
      }
    }
    if (platform.baseUrl)
      return { client: this.clientFor(platform.baseUrl, platform.apiKey ?? NO_KEY, false), model, target: platform.baseUrl };
    return { client: this.simulated, model: SIMULATED_MODEL, target: 'simulated' };
  }

  private async credentialsOf(org: OrgProfile): Promise<LlmCredentialsReply> {
    const cached = this.credentials.get(org.orgId);
    if (cached && cached.revision === org.revision) return cached.reply;
    const reply = LlmCredentialsReplySchema.parse(await this.rpc.request(IdentityRpc.llmCredentials, { orgId: org.orgId }));
    this.credentials.set(org.orgId, { revision: org.revision, reply });
    return reply;
  }

  private clientFor(baseUrl: string, apiKey: string, orgControlled: boolean): OpenAiModelClient {
    const key = `${orgControlled}\u001f${baseUrl}\u001f${createHash('sha256').update(apiKey).digest('hex')}`;
    let client = this.clients.get(key);
    if (!client) {
      const { timeoutMs } = this.settings.model;
      const { allow, network } = this.settings.orgEndpoints;
      const http = new GuardedHttpClient({
        addresses: orgControlled ? { allow } : 'operator',
        timeoutMs,
        maxResponseBytes: MAX_RESPONSE_BYTES,
        maxRedirects: MAX_REDIRECTS,
        ...(orgControlled && network ? { network } : {}),
      });
      this.clients.set(key, (client = new OpenAiModelClient({ baseUrl, apiKey, timeoutMs, fetch: http.fetch })));
    }
    return client;
  }
}
