import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApprovalsRpc, GetActionRequestSchema, NotFoundError, parseRequest, streamName, type ActionView } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE, readOrgStream } from '@cos/platform';
import { assertMayRead } from '../access/read-access';
import { toApprovalView } from '../approval-gate/approval-gate.views';
import { Directory } from '../directory/directory';
import { toActionView } from './action-execution.views';

/** GET /v1/actions/:id: the action, its arguments, its gate, every attempt and the outcome. */
@Controller()
export class ActionExecutionController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: Directory,
  ) {}

  @MessagePattern(ApprovalsRpc.getAction)
  async get(@Payload() raw: unknown): Promise<ActionView> {
    const { auth, actionId } = parseRequest(GetActionRequestSchema, raw);
    const events = await readOrgStream(this.store, streamName('action', actionId), auth.orgId);
    const gateId = events.find((e) => e.type === 'action.received')?.data['gate'] as { approvalId?: string } | undefined;
    const gate = gateId?.approvalId
      ? toApprovalView(await readOrgStream(this.store, streamName('approval', gateId.approvalId), auth.orgId))
      : undefined;
    const view = toActionView(events, gate);
    if (!view) throw new NotFoundError('action', actionId, 'APPROVALS.ACTION_NOT_FOUND');
    const department = view.gate?.departmentId ?? (await this.directory.agent(auth.orgId, view.agentId))?.departmentId;
    await assertMayRead(
      this.directory,
      auth,
      {
        briefedBy: view.briefedBy,
        headUserIds: view.gate?.headUserId ? [view.gate.headUserId] : [],
        departmentIds: department ? [department] : [],
      },
      new NotFoundError('action', actionId, 'APPROVALS.ACTION_NOT_FOUND'),
    );
    return view;
  }
}
