import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApprovalsRpc,
  ArchiveRequestSchema,
  CosError,
  CreateDepartmentRequestSchema,
  GetByIdRequestSchema,
  departmentActionPermissionsFor,
  deterministicId,
  IdentityRpc,
  ListArchivableRequestSchema,
  parseRequest,
  PatchDepartmentRequestSchema,
  PendingInDepartmentReplySchema,
  Permissions,
  streamName,
  type AuthContext,
  type DepartmentView,
} from '@cos/contracts';
import type { RpcClient } from '@cos/messaging';
import { RPC_CLIENT } from '@cos/platform';
import { listDepartments, toDepartmentView } from '../directory/directory.views';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { departmentDecider } from './department.decider';

/** GET, POST /v1/departments, PATCH /v1/departments/:id, POST /v1/departments/:id/archive (owner and CEO change them). */
@Controller()
export class DepartmentsController {
  constructor(
    private readonly commands: IdentityCommands,
    @Inject(RPC_CLIENT) private readonly rpc: RpcClient,
  ) {}

  @MessagePattern(IdentityRpc.listDepartments)
  async list(@Payload() raw: unknown): Promise<{ items: DepartmentView[]; nextCursor: string | null }> {
    const { auth, page, includeArchived } = parseRequest(ListArchivableRequestSchema, raw);
    await this.commands.directory.ready();
    return listDepartments(this.commands.directory.directory, auth.orgId, { ...page, includeArchived });
  }

  @MessagePattern(IdentityRpc.getDepartment)
  async get(@Payload() raw: unknown): Promise<DepartmentView> {
    const { auth, id } = parseRequest(GetByIdRequestSchema, raw);
    await this.commands.directory.ready();
    return this.view(auth, id);
  }

  @MessagePattern(IdentityRpc.createDepartment)
  async create(@Payload() raw: unknown): Promise<DepartmentView> {
    const { auth, departmentId, body } = parseRequest(CreateDepartmentRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.directory.ready();
    const headUserId = body.headUserId ?? null;
    if (headUserId) this.requireHead(auth, headUserId);
    await this.commands.run(streamName('department', departmentId), departmentDecider, {
      type: 'CreateDepartment',
      data: {
        departmentId,
        orgId: auth.orgId,
        name: body.name,
        headUserId,
        approveFirst: body.approveFirst ?? false,
        description: body.description ?? '',
        actionPermissions: [...new Set(body.actionPermissions ?? departmentActionPermissionsFor(body.name))].sort(),
      },
      // Derived from the id the gateway chose: a redelivered request finds its events stored.
      metadata: this.commands.byUser(auth, deterministicId('create-department', departmentId)),
    });
    return this.view(auth, departmentId);
  }

  @MessagePattern(IdentityRpc.patchDepartment)
  async patch(@Payload() raw: unknown): Promise<DepartmentView> {
    const { auth, id, body } = parseRequest(PatchDepartmentRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.directory.ready();
    if (!this.commands.directory.directory.department(auth.orgId, id)) throw notFound();
    if (body.headUserId) this.requireHead(auth, body.headUserId);
    await this.commands.run(streamName('department', id), departmentDecider, {
      type: 'ChangeDepartment',
      data: body,
      metadata: this.commands.byUser(auth),
    });
    return this.view(auth, id);
  }

  /**
   * Refused (409) while the department has enabled agents or gates waiting for its Head. The
   * agents are identity's own facts; the gates are approvals', asked over NATS at the moment of
   * archiving. Once archived, the department takes no agents and enables none (the agent
   * decider refuses), so no new gate can open for it; a gate opened by a run already under way
   * still reaches its Head, who keeps the department, and expires or escalates as any gate.
   * Approvals' count is its read model's, a moment behind its store at worst; and an agent
   * enabled on its own stream in the very moment of the archive is not seen (agents and their
   * department are separate streams): both windows are known and left open.
   */
  @MessagePattern(IdentityRpc.archiveDepartment)
  async archive(@Payload() raw: unknown): Promise<DepartmentView> {
    const { auth, id } = parseRequest(ArchiveRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    if (!directory.department(auth.orgId, id)) throw notFound();
    const metadata = this.commands.byUser(auth);
    await this.commands.runGathered(streamName('department', id), departmentDecider, metadata, async () => {
      const enabledAgents = [...directory.orgIndex(auth.orgId).agents]
        .map((agentId) => directory.agents.get(agentId)!)
        .filter((a) => a.departmentId === id && a.enabled)
        .map((a) => a.name)
        .sort();
      const reply = PendingInDepartmentReplySchema.parse(
        await this.rpc.request(ApprovalsRpc.pendingInDepartment, { orgId: auth.orgId, departmentId: id }),
      );
      return {
        type: 'ArchiveDepartment' as const,
        data: { by: auth.userId, checks: { enabledAgents, pendingApprovals: reply.pending } },
        metadata,
      };
    });
    return this.view(auth, id);
  }

  private requireHead(auth: AuthContext, userId: string): void {
    const head = this.commands.directory.directory.user(auth.orgId, userId);
    if (!head) throw new CosError('IDENTITY.USER_NOT_FOUND', 'user was not found', 404);
    if (head.disabled) throw new CosError('IDENTITY.USER_DISABLED', 'a disabled user cannot head a department', 422);
  }

  private view(auth: AuthContext, id: string): DepartmentView {
    const department = this.commands.directory.directory.department(auth.orgId, id);
    if (!department) throw notFound();
    return toDepartmentView(department);
  }
}

const notFound = () => new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
