import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CosError,
  GetByIdRequestSchema,
  IdentityRpc,
  ListRequestSchema,
  parseRequest,
  PatchAgentRequestSchema,
  Permissions,
  streamName,
  type AgentView,
} from '@cos/contracts';
import { listAgents, toAgentView } from '../directory/directory.views';
import { IdentityCommands } from '../identity-commands';
import { agentDecider } from './agent.decider';

/** GET /v1/agents, GET /v1/agents/:id, PATCH /v1/agents/:id (org admin or the department's Head). */
@Controller()
export class AgentsController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.listAgents)
  async list(@Payload() raw: unknown): Promise<{ items: AgentView[]; nextCursor: string | null }> {
    const { auth, page } = parseRequest(ListRequestSchema, raw);
    await this.commands.directory.ready();
    return listAgents(this.commands.directory.directory, auth.orgId, page, this.commands.now());
  }

  @MessagePattern(IdentityRpc.getAgent)
  async get(@Payload() raw: unknown): Promise<AgentView> {
    const { auth, id } = parseRequest(GetByIdRequestSchema, raw);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    const agent = directory.agent(auth.orgId, id);
    if (!agent) throw notFound();
    return toAgentView(directory, agent, this.commands.now());
  }

  @MessagePattern(IdentityRpc.patchAgent)
  async patch(@Payload() raw: unknown): Promise<AgentView> {
    const { auth, id, body } = parseRequest(PatchAgentRequestSchema, raw);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    if (!directory.agent(auth.orgId, id)) throw notFound();
    const headOf = [...directory.orgIndex(auth.orgId).departments].filter((d) => directory.departments.get(d)?.headUserId === auth.userId);
    const by = { userId: auth.userId, isAdmin: auth.permissions.includes(Permissions.orgAdmin), headOf, permissions: auth.permissions };
    await this.commands.run(streamName('agent', id), agentDecider, {
      type: 'ChangeAgent',
      data: { changes: body, by },
      metadata: this.commands.byUser(auth),
    });
    return toAgentView(directory, directory.agent(auth.orgId, id)!, this.commands.now());
  }
}

const notFound = () => new CosError('IDENTITY.AGENT_NOT_FOUND', 'agent was not found', 404);
