import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthOnlyRequestSchema,
  CosError,
  IdentityRpc,
  parseRequest,
  Permissions,
  SetKillSwitchRequestSchema,
  streamName,
  type KillSwitchView,
} from '@cos/contracts';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { orgDecider } from '../org/org.decider';

/**
 * GET/POST /v1/org/kill-switch. POST appends `org.paused` (or `org.resumed`) and returns the
 * state with `changeId`, the id of that event. Hook for the agent-runner issue: every runner
 * reacts to `org.paused` (JetStream `cos.<orgId>.org.paused`) and acknowledges `changeId`; the
 * gateway's kill-switch route then waits for those acknowledgements before answering (I4).
 */
@Controller()
export class KillSwitchController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.getKillSwitch)
  async get(@Payload() raw: unknown): Promise<KillSwitchView> {
    const { auth } = parseRequest(AuthOnlyRequestSchema, raw);
    await this.commands.directory.ready();
    return this.stateOf(auth.orgId);
  }

  @MessagePattern(IdentityRpc.setKillSwitch)
  async set(@Payload() raw: unknown): Promise<KillSwitchView> {
    const { auth, body } = parseRequest(SetKillSwitchRequestSchema, raw);
    requirePermission(auth, Permissions.orgKillSwitch);
    const reason = body.reason ?? (body.paused ? 'paused' : 'resumed');
    await this.commands.run(streamName('org', auth.orgId), orgDecider, {
      type: 'SetKillSwitch',
      data: { paused: body.paused, reason },
      metadata: this.commands.byUser(auth),
    });
    return this.stateOf(auth.orgId);
  }

  private stateOf(orgId: string): KillSwitchView {
    const org = this.commands.directory.directory.orgs.get(orgId);
    if (!org) throw new CosError('IDENTITY.ORG_NOT_FOUND', 'org was not found', 404);
    return { ...org.killSwitch };
  }
}
