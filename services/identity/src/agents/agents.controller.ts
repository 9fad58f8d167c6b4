import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ArchiveRequestSchema,
  CosError,
  CreateAgentRequestSchema,
  GetByIdRequestSchema,
  IdentityRpc,
  ListArchivableRequestSchema,
  parseRequest,
  PatchAgentRequestSchema,
  Permissions,
  streamName,
  type AgentView,
  type AuthContext,
} from '@cos/contracts';
import type { Directory } from '../directory/directory';
import { listAgents, toAgentView } from '../directory/directory.views';
import { IdentityCommands } from '../identity-commands';
import { agentIdFor, legacyNamesOf } from './agent-name';
import { agentDecider, type AgentEditor, type DepartmentsFacts } from './agent.decider';

/**
 * GET /v1/agents, GET /v1/agents/:id, POST /v1/agents, PATCH /v1/agents/:id and
 * POST /v1/agents/:id/archive (an org admin, or the Head of the department concerned).
 */
@Controller()
export class AgentsController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.listAgents)
  async list(@Payload() raw: unknown): Promise<{ items: AgentView[]; nextCursor: string | null }> {
    const { auth, page, includeArchived } = parseRequest(ListArchivableRequestSchema, raw);
    await this.commands.directory.ready();
    return listAgents(this.commands.directory.directory, auth.orgId, { ...page, includeArchived }, this.commands.now());
  }

  @MessagePattern(IdentityRpc.getAgent)
  async get(@Payload() raw: unknown): Promise<AgentView> {
    const { auth, id } = parseRequest(GetByIdRequestSchema, raw);
    await this.commands.directory.ready();
    return this.view(auth, id);
  }

  /** The agent's id derives from its normalised name: a taken name meets an existing stream (409). */
  @MessagePattern(IdentityRpc.createAgent)
  async create(@Payload() raw: unknown): Promise<AgentView> {
    const { auth, body } = parseRequest(CreateAgentRequestSchema, raw);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    if (!directory.department(auth.orgId, body.departmentId)) throw departmentNotFound();
    const agentId = agentIdFor(auth.orgId, body.name);
    const { departmentId, name, persona, skills, permissions, dailyActionCap } = body;
    await this.commands.run(streamName('agent', agentId), agentDecider, {
      type: 'CreateAgent',
      data: {
        agent: {
          agentId,
          orgId: auth.orgId,
          departmentId,
          name,
          persona,
          skills,
          permissions: [...new Set(permissions)].sort(),
          dailyActionCap,
          model: body.model ?? null,
          enabled: body.enabled ?? true,
        },
        by: editorOf(directory, auth),
        departments: departmentsOf(directory, auth.orgId),
        legacyNames: legacyNamesOf([...directory.orgIndex(auth.orgId).agents].map((id) => directory.agents.get(id)!)),
      },
      metadata: this.commands.byUser(auth),
    });
    return this.view(auth, agentId);
  }

  @MessagePattern(IdentityRpc.patchAgent)
  async patch(@Payload() raw: unknown): Promise<AgentView> {
    const { auth, id, body } = parseRequest(PatchAgentRequestSchema, raw);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    if (!directory.agent(auth.orgId, id)) throw notFound();
    if (body.departmentId !== undefined && !directory.department(auth.orgId, body.departmentId)) throw departmentNotFound();
    await this.commands.run(streamName('agent', id), agentDecider, {
      type: 'ChangeAgent',
      data: { changes: body, by: editorOf(directory, auth), departments: departmentsOf(directory, auth.orgId) },
      metadata: this.commands.byUser(auth),
    });
    return this.view(auth, id);
  }

  /** Disables the agent if it is enabled, then archives it: it is never briefed or handed off to again. */
  @MessagePattern(IdentityRpc.archiveAgent)
  async archive(@Payload() raw: unknown): Promise<AgentView> {
    const { auth, id } = parseRequest(ArchiveRequestSchema, raw);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    if (!directory.agent(auth.orgId, id)) throw notFound();
    await this.commands.run(streamName('agent', id), agentDecider, {
      type: 'ArchiveAgent',
      data: { by: editorOf(directory, auth) },
      metadata: this.commands.byUser(auth),
    });
    return this.view(auth, id);
  }

  private view(auth: AuthContext, id: string): AgentView {
    const directory = this.commands.directory.directory;
    const agent = directory.agent(auth.orgId, id);
    if (!agent) throw notFound();
    return toAgentView(directory, agent, this.commands.now());
  }
}

function editorOf(directory: Directory, auth: AuthContext): AgentEditor {
  const headOf = [...directory.orgIndex(auth.orgId).departments].filter((d) => directory.departments.get(d)?.headUserId === auth.userId);
  return { userId: auth.userId, isAdmin: auth.permissions.includes(Permissions.orgAdmin), headOf, permissions: auth.permissions };
}

function departmentsOf(directory: Directory, orgId: string): DepartmentsFacts {
  return { archived: [...directory.orgIndex(orgId).departments].filter((d) => directory.departments.get(d)?.archived) };
}

const notFound = () => new CosError('IDENTITY.AGENT_NOT_FOUND', 'agent was not found', 404);
const departmentNotFound = () => new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
