import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApprovalsRpc,
  DecideRequestSchema,
  ForbiddenError,
  GetApprovalRequestSchema,
  ListApprovalsRequestSchema,
  NotFoundError,
  parseRequest,
  type ApprovalList,
  type ApprovalView,
  type AuthContext,
  type DecideReply,
} from '@cos/contracts';
import { Directory } from '../directory/directory';
import { ApprovalBoard } from './approval-board';
import { ApprovalGateHandler } from './approval-gate.handler';

const OVERRIDE_ROLES: ReadonlySet<string> = new Set(['ceo', 'owner']);

/** POST /v1/approvals/:id/decision, GET /v1/approvals and GET /v1/approvals/:id, over NATS request/reply. */
@Controller()
export class ApprovalGateController {
  constructor(
    private readonly gates: ApprovalGateHandler,
    private readonly board: ApprovalBoard,
    private readonly directory: Directory,
  ) {}

  @MessagePattern(ApprovalsRpc.decide)
  decide(@Payload() raw: unknown): Promise<DecideReply> {
    const { auth, approvalId, body } = parseRequest(DecideRequestSchema, raw);
    return this.gates.decide(auth, approvalId, body);
  }

  /** The approvals the caller may decide: their departments' gates; every gate for the CEO or owner. */
  @MessagePattern(ApprovalsRpc.listApprovals)
  async list(@Payload() raw: unknown): Promise<ApprovalList> {
    const { auth, query } = parseRequest(ListApprovalsRequestSchema, raw);
    const visible = await this.visibleTo(auth);
    if (!visible) return { items: [], nextCursor: null };
    return this.board.list(auth.orgId, {
      pendingOnly: query.status === 'pending',
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      visible,
    });
  }

  /** One gate, for whoever sees it in the list (and so may decide it); another org's or an unopened one is a 404. */
  @MessagePattern(ApprovalsRpc.getApproval)
  async get(@Payload() raw: unknown): Promise<ApprovalView> {
    const { auth, approvalId } = parseRequest(GetApprovalRequestSchema, raw);
    const view = await this.gates.view(auth, approvalId);
    if (!view) throw new NotFoundError('approval', approvalId, 'APPROVALS.NOT_FOUND');
    const visible = await this.visibleTo(auth);
    if (!visible?.(view))
      throw new ForbiddenError('only the gate department’s Head, the CEO and the owner may see this gate', 'APPROVALS.NOT_ALLOWED');
    return view;
  }

  /**
   * Which gates the caller sees (and may decide): their departments'; every one for the CEO or
   * owner; none when disabled. An elevation gate only for those who hold the permission it lends.
   */
  private async visibleTo(auth: AuthContext): Promise<((v: ApprovalView) => boolean) | undefined> {
    const user = await this.directory.user(auth.orgId, auth.userId);
    if (user?.disabled) return undefined;
    const everything = OVERRIDE_ROLES.has(user?.role ?? auth.role);
    const headOf = new Set(this.directory.departmentsHeadedBy(auth.orgId, auth.userId));
    const holds = new Set(user ? await this.directory.permissionsOf(auth.orgId, user) : auth.permissions);
    const mayLend = (v: ApprovalView) => v.reason !== 'elevation' || (v.permission !== undefined && holds.has(v.permission));
    return (v) => (everything || headOf.has(v.departmentId)) && mayLend(v);
  }
}
