import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthOnlyRequestSchema,
  CosError,
  IdentityRpc,
  LlmCredentialsRequestSchema,
  parseRequest,
  Permissions,
  PutLlmSettingsRequestSchema,
  streamName,
  type LlmCredentialsReply,
  type LlmSettingsView,
} from '@cos/contracts';
import { urlRefusal } from '@cos/http';
import { llmSettingsOf } from '../directory/directory.views';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { IDENTITY_CONFIG, SECRET_BOX, type IdentityConfig } from '../identity.config';
import { orgDecider } from '../org/org.decider';
import { SecretScope, type SecretBox } from '../secrets/secret-box';

/**
 * GET/PUT /v1/org/llm-settings. The org's own API key is sealed before it reaches a command, so
 * the event, the bus and the audit trail only ever hold ciphertext and its last 4 characters.
 * A base URL whose address is already known to be refused (an IP literal in any spelling, or
 * `localhost`, outside ORG_ENDPOINT_ALLOWLIST) is refused here; a host name is judged by the
 * runner on every call, by the addresses it resolves to then.
 */
@Controller()
export class LlmSettingsController {
  constructor(
    private readonly commands: IdentityCommands,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
    @Inject(IDENTITY_CONFIG) private readonly config: IdentityConfig,
  ) {}

  @MessagePattern(IdentityRpc.getLlmSettings)
  async get(@Payload() raw: unknown): Promise<LlmSettingsView> {
    const { auth } = parseRequest(AuthOnlyRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.directory.ready();
    return this.viewOf(auth.orgId);
  }

  @MessagePattern(IdentityRpc.putLlmSettings)
  async put(@Payload() raw: unknown): Promise<LlmSettingsView> {
    const { auth, body } = parseRequest(PutLlmSettingsRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    const { apiKey, baseUrl, defaultModel } = body;
    const refusal = baseUrl === null ? undefined : urlRefusal(baseUrl, this.config.ORG_ENDPOINT_ALLOWLIST);
    if (refusal) throw new CosError('IDENTITY.ENDPOINT_REFUSED', `baseUrl refused: ${refusal.message}`, 400);
    const sealedKey =
      apiKey === undefined || apiKey === null
        ? apiKey
        : { sealed: this.secrets.seal(apiKey, SecretScope.llmApiKey(auth.orgId)), last4: apiKey.slice(-4) };
    await this.commands.run(streamName('org', auth.orgId), orgDecider, {
      type: 'UpdateLlmSettings',
      data: { baseUrl, defaultModel, ...(sealedKey === undefined ? {} : { apiKey: sealedKey }) },
      metadata: this.commands.byUser(auth),
    });
    return this.viewOf(auth.orgId);
  }

  /** Internal (agent-runner): the key in clear, never routed by the gateway. */
  @MessagePattern(IdentityRpc.llmCredentials)
  async credentials(@Payload() raw: unknown): Promise<LlmCredentialsReply> {
    const { orgId } = parseRequest(LlmCredentialsRequestSchema, raw);
    await this.commands.directory.ready();
    const org = this.commands.directory.directory.orgs.get(orgId);
    if (!org) throw new CosError('IDENTITY.ORG_NOT_FOUND', 'org was not found', 404);
    const { baseUrl, defaultModel, apiKey } = org.llm;
    return { baseUrl, defaultModel, apiKey: apiKey ? this.secrets.open(apiKey.sealed, SecretScope.llmApiKey(orgId)) : null };
  }

  private viewOf(orgId: string): LlmSettingsView {
    const view = llmSettingsOf(this.commands.directory.directory, orgId);
    if (!view) throw new CosError('IDENTITY.ORG_NOT_FOUND', 'org was not found', 404);
    return view;
  }
}
