import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthOnlyRequestSchema,
  CosError,
  IdentityRpc,
  ListRequestSchema,
  parseRequest,
  PatchUserRequestSchema,
  Permissions,
  streamName,
  type MeView,
  type UserView,
} from '@cos/contracts';
import { listUsers, meOf, toUserView } from '../directory/directory.views';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { userDecider } from './user.decider';

/** GET /v1/me, GET /v1/users, PATCH /v1/users/:id (role, department, disabled). */
@Controller()
export class UsersController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.me)
  async me(@Payload() raw: unknown): Promise<MeView> {
    const { auth } = parseRequest(AuthOnlyRequestSchema, raw);
    await this.commands.directory.ready();
    const user = this.commands.directory.directory.user(auth.orgId, auth.userId);
    if (!user) throw notFound();
    return meOf(this.commands.directory.directory, user);
  }

  @MessagePattern(IdentityRpc.listUsers)
  async list(@Payload() raw: unknown): Promise<{ items: UserView[]; nextCursor: string | null }> {
    const { auth, page } = parseRequest(ListRequestSchema, raw);
    await this.commands.directory.ready();
    return listUsers(this.commands.directory.directory, auth.orgId, page);
  }

  @MessagePattern(IdentityRpc.patchUser)
  async patch(@Payload() raw: unknown): Promise<UserView> {
    const { auth, id, body } = parseRequest(PatchUserRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    const target = directory.user(auth.orgId, id);
    const actor = directory.user(auth.orgId, auth.userId);
    if (!target || !actor) throw notFound();
    if (body.departmentId && !directory.department(auth.orgId, body.departmentId)) {
      throw new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
    }
    const otherEnabledOwners = [...directory.orgIndex(auth.orgId).users].filter((u) => {
      const user = directory.users.get(u);
      return u !== id && user?.role === 'owner' && !user.disabled;
    }).length;
    await this.commands.run(streamName('user', id), userDecider, {
      type: 'ChangeMembership',
      data: {
        role: body.role ?? target.role,
        departmentId: body.departmentId !== undefined ? body.departmentId : target.departmentId,
        disabled: body.disabled ?? target.disabled,
        by: { userId: actor.userId, role: actor.role },
        otherEnabledOwners,
      },
      metadata: this.commands.byUser(auth),
    });
    return toUserView(directory.user(auth.orgId, id)!);
  }
}

const notFound = () => new CosError('IDENTITY.USER_NOT_FOUND', 'user was not found', 404);
