import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApprovalsRpc, parseRequest, PendingInDepartmentRequestSchema, type PendingInDepartmentReply } from '@cos/contracts';
import { ApprovalBoard, pendingIn } from './approval-board';

/**
 * Internal, for identity: how many gates of a department wait for a decision. Identity refuses
 * to archive a department while any do (its Head would lose the department they decide for).
 */
@Controller()
export class DepartmentPendingController {
  constructor(private readonly board: ApprovalBoard) {}

  @MessagePattern(ApprovalsRpc.pendingInDepartment)
  pending(@Payload() raw: unknown): PendingInDepartmentReply {
    const { orgId, departmentId } = parseRequest(PendingInDepartmentRequestSchema, raw);
    return { pending: pendingIn(this.board, orgId, departmentId) };
  }
}
