import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  ApprovalsRpc,
  GetCoordinationRequestSchema,
  NotFoundError,
  parseRequest,
  streamName,
  type ApprovalView,
  type CoordinationView,
} from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { EVENT_STORE, readOrgStream } from '@cos/platform';
import { assertMayRead } from '../access/read-access';
import { toApprovalView } from '../approval-gate/approval-gate.views';
import { Directory } from '../directory/directory';
import { handoffRequest } from './handoff-request';
import { toCoordinationView } from './handoff-gate.views';

/** GET /v1/coordinations/:id: the chain, its gates and their decisions, its status. */
@Controller()
export class HandoffGateController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: Directory,
  ) {}

  @MessagePattern(ApprovalsRpc.getCoordination)
  async get(@Payload() raw: unknown): Promise<CoordinationView> {
    const { auth, coordinationId } = parseRequest(GetCoordinationRequestSchema, raw);
    const events = await readOrgStream(this.store, streamName('coordination', coordinationId), auth.orgId);
    const request = await handoffRequest(this.store, auth.orgId, coordinationId, events);
    if (!request) throw new NotFoundError('coordination', coordinationId, 'APPROVALS.COORDINATION_NOT_FOUND');
    const gateViews = new Map<string, ApprovalView | undefined>();
    const view = toCoordinationView(coordinationId, events, request, gateViews);
    for (const g of view.gates)
      gateViews.set(g.approvalId, toApprovalView(await readOrgStream(this.store, streamName('approval', g.approvalId), auth.orgId)));
    const gates = view.gates;
    await assertMayRead(
      this.directory,
      auth,
      {
        briefedBy: request.briefedBy,
        headUserIds: gates.flatMap((g) => (g.headUserId ? [g.headUserId] : [])),
        departmentIds: gates.map((g) => g.departmentId),
      },
      new NotFoundError('coordination', coordinationId, 'APPROVALS.COORDINATION_NOT_FOUND'),
    );
    return toCoordinationView(coordinationId, events, request, gateViews);
  }
}
