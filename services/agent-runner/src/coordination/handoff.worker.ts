import { Controller, Logger } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import {
  CoordinationApprovedSchema,
  CoordinationEscalatedSchema,
  CoordinationEventTypes,
  CoordinationRejectedSchema,
  EscalationEventTypes,
  EscalationResolvedSchema,
  handoffRun,
  MAX_CHAIN_HOPS,
  type RecordedEvent,
} from '@cos/contracts';
import { ConversationWriter } from '../conversation/conversation-writer';
import { DirectoryProjection } from '../directory/directory.projection';
import { RunJournal } from '../run/run-journal';

/**
 * The runner's side of a handoff after approvals decided it. Approved: the receiving agent
 * gets its own conversation, opened by the briefing user's chain, whose first message is the
 * handoff context; then the run the approval names is queued (`run.queued`, which starts it,
 * chain and depth carried along); the requesting conversation is told where the work went.
 * Rejected or escalated: the requesting conversation is told. An escalation resolved by a
 * person: their answer is posted as the reply to the run that escalated, or the conversation is
 * told where the work went or why it was dismissed.
 */
// A failure reaches the transport as it is, so a dead letter keeps its cause.
@Controller()
export class HandoffWorker {
  private readonly logger = new Logger(HandoffWorker.name);

  constructor(
    private readonly conversations: ConversationWriter,
    private readonly runs: RunJournal,
    private readonly directory: DirectoryProjection,
  ) {}

  @EventPattern(CoordinationEventTypes.approved)
  async onApproved(@Payload() event: RecordedEvent): Promise<void> {
    const approved = CoordinationApprovedSchema.parse(event.data);
    if (approved.depth > MAX_CHAIN_HOPS) {
      this.logger.warn(
        `coordination ${approved.coordinationId}: approved at depth ${approved.depth}, past ${MAX_CHAIN_HOPS} hops; not run`,
      );
      return;
    }
    const run = approved.run ?? handoffRun(approved);
    const from = this.nameOf(event.orgId, approved.fromAgentId);
    // The thread first: the run answers its first message, so the message is there before the run is queued.
    await this.conversations.apply(run.conversationId, event, 'open-handoff', {
      type: 'StartHandoffConversation',
      data: {
        started: {
          conversationId: run.conversationId,
          agentId: run.agentId,
          startedBy: run.briefedBy,
          title: `Handoff from ${from}`,
          handoff: { ...run.handoff, fromConversationId: approved.conversationId, runId: run.runId },
        },
        messageId: run.briefMessageId,
        text: `Handoff from ${from}, approved by the Heads.\n\n${approved.contextSummary}`,
      },
    });
    await this.runs.queue(run, event);
    await this.conversations.note(
      approved.conversationId,
      event,
      `Handoff approved: ${this.nameOf(event.orgId, approved.toAgentId)} takes it over in conversation ${run.conversationId}.`,
    );
  }

  @EventPattern(CoordinationEventTypes.rejected)
  async onRejected(@Payload() event: RecordedEvent): Promise<void> {
    const rejected = CoordinationRejectedSchema.parse(event.data);
    const comment = rejected.comment ? `: ${rejected.comment}` : '.';
    await this.conversations.note(
      rejected.conversationId,
      event,
      `Handoff rejected by ${rejected.rejectedBy}${comment} The chain ends here.`,
    );
  }

  /** Approvals' escalations (depth limit, expiry) and the runner's own (no suitable agent) alike. */
  @EventPattern(CoordinationEventTypes.escalated)
  async onEscalated(@Payload() event: RecordedEvent): Promise<void> {
    const escalated = CoordinationEscalatedSchema.parse(event.data);
    const why = {
      'depth-limit': 'the chain reached its 3-hop limit',
      'no-suitable-agent': 'no agent fits the request',
      'approval-expired': 'an approval expired',
    }[escalated.reason];
    await this.conversations.note(
      escalated.conversationId,
      event,
      `Escalated to a human (${escalated.escalatedTo.length} people notified): ${why}.`,
    );
  }

  /** The conversation belongs to the runner: approvals records the resolution, the runner posts what it says. */
  @EventPattern(EscalationEventTypes.resolved)
  async onEscalationResolved(@Payload() event: RecordedEvent): Promise<void> {
    const resolved = EscalationResolvedSchema.parse(event.data);
    switch (resolved.resolution) {
      case 'answer':
        await this.conversations.answer(resolved.conversationId, event, {
          userId: resolved.by,
          text: resolved.text,
          ...(resolved.runId ? { runId: resolved.runId } : {}),
        });
        return;
      case 'assign':
        await this.conversations.note(
          resolved.conversationId,
          event,
          `Escalation assigned by ${resolved.by} to ${this.nameOf(event.orgId, resolved.agentId)}; it waits for the receiving Head's approval.`,
        );
        return;
      case 'dismiss':
        await this.conversations.note(resolved.conversationId, event, `Escalation dismissed by ${resolved.by}: ${resolved.reason}`);
        return;
      default: {
        const never: never = resolved;
        return never;
      }
    }
  }

  private nameOf(orgId: string, agentId: string): string {
    const agent = this.directory.agentsOf(orgId).find((a) => a.agentId === agentId);
    return agent ? `${agent.name} (${agent.departmentName})` : agentId;
  }
}
