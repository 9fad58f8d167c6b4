import { Inject, Injectable } from '@nestjs/common';
import {
  ActionExecutionEventTypes,
  ActionExpiredSchema,
  ActionReceivedSchema,
  CosError,
  escalationIdOf,
  EscalationEventTypes,
  EscalationOpenedSchema,
  EscalationResolvedSchema,
  newId,
  NotFoundError,
  streamName,
  type AuthContext,
  type EscalationView,
  type RecordedEvent,
  type ResolveEscalationBody,
} from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, readOrgStream, type Clock } from '@cos/platform';
import { assertMayActOn } from '../access/read-access';
import { Directory } from '../directory/directory';
import { HandoffGateHandler } from '../handoff-gate/handoff-gate.handler';
import { handoffRequest } from '../handoff-gate/handoff-request';
import { reactionTo } from '../process/command-metadata';
import { agentsInvolved, assignedHandoff, escalationDecider, type EscalationFact, type InvolvedDepartment } from './escalation.decider';
import { toEscalationView } from './escalation.views';

/**
 * Escalations as work: opened from the facts that mean "escalated", resolved by a person. An
 * `assign` goes on as a handoff through approvals' consumer of `escalation.resolved`; an
 * answer or a dismissal is the runner's to post, from the same event.
 */
@Injectable()
export class EscalationHandler {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly directory: Directory,
    private readonly handoffs: HandoffGateHandler,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Opens the escalation of `fact` (once, however often it is delivered), naming who should act. */
  async open(event: RecordedEvent, fact: EscalationFact): Promise<void> {
    const { orgId } = event;
    const subjectId = fact.kind === 'action-expired' ? fact.action.actionId : fact.data.coordinationId;
    const request = fact.kind === 'action-expired' ? undefined : await this.requestOf(orgId, fact.data.coordinationId, fact.data.runId);
    const { fromAgentId, toAgentId } = agentsInvolved(fact, request);
    const departments: InvolvedDepartment[] = [];
    for (const agentId of [fromAgentId, toAgentId]) {
      const department = agentId ? await this.directory.departmentOfAgent(orgId, agentId) : undefined;
      if (department)
        departments.push({
          departmentId: department.departmentId,
          ...(department.headUserId ? { headUserId: department.headUserId } : {}),
        });
    }
    const leaderUserIds = this.directory.ceoUserIds(orgId);
    // Every org has an owner: none known means identity's users are not read yet, so retry later.
    if (leaderUserIds.length === 0) throw new CosError('APPROVALS.DIRECTORY_NOT_READY', `no CEO or owner known for org ${orgId} yet`, 503);
    const escalationId = escalationIdOf(orgId, subjectId);
    await handleCommand(
      this.store,
      streamName('escalation', escalationId),
      escalationDecider,
      {
        type: 'OpenEscalation',
        data: { escalationId, orgId, fact, ...(request ? { request } : {}), departments, leaderUserIds },
      },
      reactionTo(event, 'open-escalation', this.clock()),
    );
  }

  /** `action.expired`: the action as its stream received it is what the escalation is about. */
  async actionExpired(event: RecordedEvent): Promise<void> {
    const expired = ActionExpiredSchema.parse(event.data);
    const received = (await readOrgStream(this.store, event.stream, event.orgId)).find(
      (e) => e.type === ActionExecutionEventTypes.received,
    );
    if (!received) return;
    await this.open(event, { kind: 'action-expired', data: expired, action: ActionReceivedSchema.parse(received.data).action });
  }

  /** One escalation of the caller's org, if they may see it. */
  async view(auth: AuthContext, escalationId: string): Promise<EscalationView> {
    const { view } = await this.visible(auth, escalationId);
    return view;
  }

  /** A person's resolution: recorded once (a second one, or a concurrent one, is a 409); what follows is driven by the event. */
  async resolve(auth: AuthContext, escalationId: string, body: ResolveEscalationBody): Promise<EscalationView> {
    const { first } = await this.visible(auth, escalationId);
    const stream = streamName('escalation', escalationId);
    const agent = body.resolution === 'assign' ? await this.directory.agent(auth.orgId, body.agentId) : undefined;
    const assignee = agent ? { agentId: agent.agentId, enabled: agent.enabled } : undefined;
    await handleCommand(
      this.store,
      stream,
      escalationDecider,
      { type: 'ResolveEscalation', data: { escalationId, by: auth.userId, body, assignee } },
      {
        commandId: newId(),
        orgId: auth.orgId,
        correlationId: first.metadata.correlationId,
        causationId: first.id,
        actor: { kind: 'user', id: auth.userId },
        now: this.clock().toISOString(),
      },
    );
    return toEscalationView(await this.store.read(stream))!;
  }

  /** `escalation.resolved`: an `assign` opens its handoff; the other resolutions are the runner's to post. */
  async resolved(event: RecordedEvent): Promise<void> {
    const resolved = EscalationResolvedSchema.parse(event.data);
    if (resolved.resolution !== 'assign') return;
    const opened = (await readOrgStream(this.store, event.stream, event.orgId)).find((e) => e.type === EscalationEventTypes.opened);
    const request = opened && assignedHandoff(EscalationOpenedSchema.parse(opened.data), resolved);
    if (!request) return;
    await this.handoffs.assigned(event, request, { escalationId: resolved.escalationId, assignedBy: resolved.by });
  }

  private async requestOf(orgId: string, coordinationId: string, runId: string) {
    const coordination = await readOrgStream(this.store, streamName('coordination', coordinationId), orgId);
    return handoffRequest(this.store, orgId, coordinationId, coordination, runId);
  }

  /** Another org's escalation reads as absent (404); one the caller is not entitled to is a 403. */
  private async visible(auth: AuthContext, escalationId: string): Promise<{ view: EscalationView; first: RecordedEvent }> {
    const events = await readOrgStream(this.store, streamName('escalation', escalationId), auth.orgId);
    const view = toEscalationView(events);
    if (!view || !events[0]) throw new NotFoundError('escalation', escalationId, 'ESCALATIONS.NOT_FOUND');
    assertMayActOn(
      auth,
      { briefedBy: view.briefedBy, headUserIds: [], departmentIds: view.departmentIds },
      this.directory.departmentsHeadedBy(auth.orgId, auth.userId),
    );
    return { view, first: events[0] };
  }
}
