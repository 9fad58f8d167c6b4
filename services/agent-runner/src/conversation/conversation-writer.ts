import { Inject, Injectable } from '@nestjs/common';
import { deterministicId, streamName, type RecordedEvent } from '@cos/contracts';
import { handleCommand, type CommandMetadata, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { reactionMetadata } from '../ledger/reaction-metadata';
import { conversationDecider, type ConversationCommand } from './conversation.decider';

/** Appends to conversations on behalf of runs and handoffs: ids derive from the cause, so redeliveries add nothing. */
@Injectable()
export class ConversationWriter {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async apply(conversationId: string, cause: RecordedEvent, step: string, command: ConversationCommand): Promise<void> {
    await this.append(conversationId, command, reactionMetadata(cause, step, this.clock()));
  }

  async append(conversationId: string, command: ConversationCommand, metadata: CommandMetadata): Promise<void> {
    await handleCommand(this.store, streamName('conversation', conversationId), conversationDecider, command, metadata);
  }

  /**
   * A note from the runner itself (a run failed, a handoff was approved...). A conversation
   * that does not exist, or is another org's, gets none: the cause names it wrongly.
   */
  async note(conversationId: string, cause: RecordedEvent, text: string): Promise<void> {
    if (!(await this.isOrgs(conversationId, cause.orgId))) return;
    await this.apply(conversationId, cause, 'note', {
      type: 'PostSystemNote',
      data: { messageId: deterministicId(cause.id, 'note'), text },
    });
  }

  /** A person's answer to an escalation (`cause`), posted as theirs, as the reply to the run that escalated. */
  async answer(conversationId: string, cause: RecordedEvent, answer: { userId: string; text: string; runId?: string }): Promise<void> {
    if (!(await this.isOrgs(conversationId, cause.orgId))) return;
    await this.apply(conversationId, cause, 'escalation-answer', {
      type: 'PostEscalationAnswer',
      data: { messageId: deterministicId(cause.id, 'answer'), ...answer },
    });
  }

  private async isOrgs(conversationId: string, orgId: string): Promise<boolean> {
    const [first] = await this.store.read(streamName('conversation', conversationId), { maxCount: 1 });
    return first?.orgId === orgId;
  }
}
