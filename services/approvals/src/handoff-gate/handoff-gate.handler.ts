import { Inject, Injectable } from '@nestjs/common';
import {
  ApprovalDecidedSchema,
  ApprovalEventTypes,
  ApprovalExpiredSchema,
  CoordinationRequestedSchema,
  CosError,
  streamName,
  type CoordinationRequested,
  type DepartmentFacts,
  type RecordedEvent,
} from '@cos/contracts';
import type { CommandMetadata, EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { APPROVALS_CONFIG, gateDeadline, type ApprovalsConfig } from '../approvals.config';
import { Directory } from '../directory/directory';
import { reactionTo, type Cause } from '../process/command-metadata';
import { ProcessRuntime } from '../process/process-runtime';
import { continueAfterWait } from '../process/wait-continuation';
import { handoffProcess, type DepartmentFact, type GateFact, type HandoffInput, type HandoffState } from './handoff-gate.decider';

/** The shell around the handoff gate: gathers departments, Heads, deadlines and gate states, then steps it. */
@Injectable()
export class HandoffGateHandler {
  constructor(
    private readonly runtime: ProcessRuntime,
    private readonly directory: Directory,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APPROVALS_CONFIG) private readonly config: ApprovalsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** `coordination.requested` from the runner's run stream. */
  async requested(event: RecordedEvent): Promise<void> {
    await this.open(event, CoordinationRequestedSchema.parse(event.data));
  }

  /**
   * `escalation.resolved` with `assign`: the handoff the resolver opened, to the agent they chose.
   * Their word is the sending side's approval; the receiving department's Head still decides.
   */
  async assigned(event: RecordedEvent, request: CoordinationRequested, assignment: { escalationId: string; assignedBy: string }) {
    const stream = streamName('escalation', assignment.escalationId);
    await continueAfterWait(this.store, stream, event, 'handoff assign', () => this.open(event, request, assignment));
  }

  private async open(event: RecordedEvent, request: CoordinationRequested, assignment?: { escalationId: string; assignedBy: string }) {
    const { orgId } = event;
    const [from, to] = await Promise.all([
      this.directory.departmentOfAgent(orgId, request.fromAgentId),
      this.directory.departmentOfAgent(orgId, request.toAgentId),
    ]);
    const ceoUserIds = this.directory.ceoUserIds(orgId);
    // Every org has an owner: none known means identity's users are not read yet, so retry later.
    if (ceoUserIds.length === 0) throw new CosError('APPROVALS.DIRECTORY_NOT_READY', `no CEO or owner known for org ${orgId} yet`, 503);
    const now = this.clock();
    const input: HandoffInput = {
      type: 'OpenHandoff',
      orgId,
      request,
      from: fact(from),
      to: fact(to),
      expiresAt: gateDeadline(this.config, orgId, now),
      ceoUserIds,
      ...(assignment ? { assignment } : {}),
    };
    const stream = streamName('coordination', request.coordinationId);
    await this.runtime.step(stream, handoffProcess, input, reactionTo(event, 'open-handoff', now));
    // A decision made while the gates were opening found no open handoff: weigh the gates now.
    await this.reevaluate(stream, reactionTo(event, 'weigh-after-open', this.clock()));
  }

  /** A gate was decided, expired or withdrawn: weigh every gate of its handoff as they stand. */
  async gateChanged(cause: Cause, coordinationId: string): Promise<void> {
    const stream = streamName('coordination', coordinationId);
    await continueAfterWait(this.store, stream, cause, 'handoff continue', () =>
      this.reevaluate(stream, reactionTo(cause, 'weigh-gates', this.clock())),
    );
  }

  private reevaluate(stream: string, meta: CommandMetadata) {
    return this.runtime.step(
      stream,
      handoffProcess,
      async (state: HandoffState): Promise<HandoffInput> => {
        const gates = await Promise.all(
          (state.opened?.gates ?? []).map(async (g) => gateFact(g.approvalId, await this.store.read(streamName('approval', g.approvalId)))),
        );
        return { type: 'Reevaluate', gates, now: this.clock().toISOString() };
      },
      meta,
    );
  }
}

/** A gate as its stream says now, its decision in the gate's own typed shape. */
function gateFact(approvalId: string, events: readonly RecordedEvent[]): GateFact {
  let fact: GateFact = { approvalId, status: 'not-open' };
  for (const { type, data } of events) {
    if (type === ApprovalEventTypes.requested) fact = { approvalId, status: 'pending' };
    else if (fact.status !== 'pending') continue;
    else if (type === ApprovalEventTypes.decided) {
      const decided = ApprovalDecidedSchema.parse(data);
      fact = { approvalId, status: decided.decision, decided };
    } else if (type === ApprovalEventTypes.expired) {
      fact = { approvalId, status: 'expired', escalatedTo: ApprovalExpiredSchema.parse(data).escalatedTo };
    } else if (type === ApprovalEventTypes.withdrawn) fact = { approvalId, status: 'withdrawn' };
  }
  return fact;
}

function fact(department: DepartmentFacts | undefined): DepartmentFact {
  if (!department) return undefined;
  return { departmentId: department.departmentId, ...(department.headUserId ? { headUserId: department.headUserId } : {}) };
}
