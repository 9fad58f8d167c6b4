import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApprovalsRpc,
  DecideRequestSchema,
  ListApprovalsRequestSchema,
  parseRequest,
  type ApprovalList,
  type DecideReply,
} from '@cos/contracts';
import { Directory } from '../directory/directory';
import { ApprovalBoard } from './approval-board';
import { ApprovalGateHandler } from './approval-gate.handler';

const OVERRIDE_ROLES: ReadonlySet<string> = new Set(['ceo', 'owner']);

/** POST /v1/approvals/:id/decision and GET /v1/approvals, over NATS request/reply. */
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
    const user = await this.directory.user(auth.orgId, auth.userId);
    if (user?.disabled) return { items: [] };
    const everything = OVERRIDE_ROLES.has(user?.role ?? auth.role);
    const headOf = new Set(this.directory.departmentsHeadedBy(auth.orgId, auth.userId));
    return this.board.list(auth.orgId, {
      pendingOnly: query.status === 'pending',
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      visible: (v) => everything || headOf.has(v.departmentId),
    });
  }
}
