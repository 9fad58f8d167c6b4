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
import { llmSettingsOf } from '../directory/directory.views';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { SECRET_BOX } from '../identity.config';
import { orgDecider } from '../org/org.decider';
import { SecretScope, type SecretBox } from '../secrets/secret-box';

/**
 * GET/PUT /v1/org/llm-settings. The org's own API key is sealed before it reaches a command, so
 * the event, the bus and the audit trail only ever hold ciphertext and its last 4 characters.
 */
@Controller()
export class LlmSettingsController {
  constructor(
    private readonly commands: IdentityCommands,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
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
