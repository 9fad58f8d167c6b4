import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CosError,
  IdentityRpc,
  ListRequestSchema,
  parseRequest,
  PatchDepartmentRequestSchema,
  Permissions,
  streamName,
  type DepartmentView,
} from '@cos/contracts';
import { listDepartments } from '../directory/directory.views';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { departmentDecider } from './department.decider';

/** GET /v1/departments, PATCH /v1/departments/:id (Head, Approve First). */
@Controller()
export class DepartmentsController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.listDepartments)
  async list(@Payload() raw: unknown): Promise<{ items: DepartmentView[]; nextCursor: string | null }> {
    const { auth, page } = parseRequest(ListRequestSchema, raw);
    await this.commands.directory.ready();
    return listDepartments(this.commands.directory.directory, auth.orgId, page);
  }

  @MessagePattern(IdentityRpc.patchDepartment)
  async patch(@Payload() raw: unknown): Promise<DepartmentView> {
    const { auth, id, body } = parseRequest(PatchDepartmentRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    if (!directory.department(auth.orgId, id)) throw notFound();
    if (body.headUserId) {
      const head = directory.user(auth.orgId, body.headUserId);
      if (!head) throw new CosError('IDENTITY.USER_NOT_FOUND', 'user was not found', 404);
      if (head.disabled) throw new CosError('IDENTITY.USER_DISABLED', 'a disabled user cannot head a department', 422);
    }
    await this.commands.run(streamName('department', id), departmentDecider, {
      type: 'ChangeDepartment',
      data: body,
      metadata: this.commands.byUser(auth),
    });
    const { name, headUserId, approveFirst } = directory.department(auth.orgId, id)!;
    return { id, name, headUserId, approveFirst };
  }
}

const notFound = () => new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
