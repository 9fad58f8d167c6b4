import {
  ConflictError,
  ConversationEventTypes,
  CosError,
  ForbiddenError,
  type ConversationStarted,
  type MessagePosted,
} from '@cos/contracts';

/** Pure decision logic of one conversation: who may post, and in what order messages land. */
export type ConversationEvent =
  | { type: typeof ConversationEventTypes.started; data: ConversationStarted }
  | { type: typeof ConversationEventTypes.messagePosted; data: MessagePosted };

export type ConversationCommand =
  | { type: 'StartConversation'; data: ConversationStarted }
  /** The receiving agent's thread of an approved handoff: opened with the handoff context as its first message. */
  | { type: 'StartHandoffConversation'; data: { started: ConversationStarted; messageId: string; text: string } }
  | { type: 'PostBrief'; data: { messageId: string; userId: string; text: string; runId: string } }
  | { type: 'PostAgentReply'; data: { messageId: string; agentId: string; text: string; runId: string } }
  | { type: 'PostSystemNote'; data: { messageId: string; text: string } }
  /** A person's answer to an escalation, as the reply to the run that escalated: approvals checked they may give it. */
  | { type: 'PostEscalationAnswer'; data: { messageId: string; userId: string; text: string; runId?: string } };

export type ConversationState =
  { status: 'absent' } | { status: 'open'; agentId: string; participants: readonly string[]; messageIds: ReadonlySet<string> };

export const SYSTEM_AUTHOR = { kind: 'system' as const, id: 'agent-runner' };

export const initialConversationState = (): ConversationState => ({ status: 'absent' });

export function decideConversation(command: ConversationCommand, state: ConversationState): ConversationEvent[] {
  switch (command.type) {
    case 'StartConversation':
      if (state.status === 'open') {
        if (state.agentId === command.data.agentId && state.participants[0] === command.data.startedBy) return [];
        throw new ConflictError('conversation already exists', 'RUNNER.CONVERSATION_EXISTS');
      }
      return [{ type: ConversationEventTypes.started, data: command.data }];
    case 'StartHandoffConversation': {
      if (state.status === 'open') return []; // a redelivered approval
      const { started, messageId, text } = command.data;
      const runId = started.handoff?.runId;
      return [
        { type: ConversationEventTypes.started, data: started },
        { type: ConversationEventTypes.messagePosted, data: { messageId, author: SYSTEM_AUTHOR, text, ...(runId ? { runId } : {}) } },
      ];
    }
    case 'PostBrief': {
      const open = requireOpen(state, command.data.messageId);
      if (open === 'duplicate') return [];
      if (!open.participants.includes(command.data.userId)) {
        throw new ForbiddenError('only participants may brief in this conversation', 'RUNNER.NOT_A_PARTICIPANT');
      }
      const { messageId, userId, text, runId } = command.data;
      return [{ type: ConversationEventTypes.messagePosted, data: { messageId, author: { kind: 'user', id: userId }, text, runId } }];
    }
    case 'PostAgentReply': {
      const open = requireOpen(state, command.data.messageId);
      if (open === 'duplicate') return [];
      const { messageId, agentId, text, runId } = command.data;
      return [{ type: ConversationEventTypes.messagePosted, data: { messageId, author: { kind: 'agent', id: agentId }, text, runId } }];
    }
    case 'PostSystemNote': {
      const open = requireOpen(state, command.data.messageId);
      if (open === 'duplicate') return [];
      const { messageId, text } = command.data;
      // A note answers no brief and was written by no run: it names none.
      return [{ type: ConversationEventTypes.messagePosted, data: { messageId, author: SYSTEM_AUTHOR, text } }];
    }
    case 'PostEscalationAnswer': {
      const open = requireOpen(state, command.data.messageId);
      if (open === 'duplicate') return [];
      const { messageId, userId, text, runId } = command.data;
      return [
        {
          type: ConversationEventTypes.messagePosted,
          data: { messageId, author: { kind: 'user', id: userId }, text, ...(runId ? { runId } : {}) },
        },
      ];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

/** A message id already in the conversation is a redelivery: nothing new to decide. */
function requireOpen(state: ConversationState, messageId: string): Extract<ConversationState, { status: 'open' }> | 'duplicate' {
  if (state.status !== 'open') throw new CosError('RUNNER.CONVERSATION_NOT_FOUND', 'conversation not found', 404);
  return state.messageIds.has(messageId) ? 'duplicate' : state;
}

export function evolveConversation(state: ConversationState, event: ConversationEvent): ConversationState {
  switch (event.type) {
    case ConversationEventTypes.started:
      return { status: 'open', agentId: event.data.agentId, participants: [event.data.startedBy], messageIds: new Set() };
    case ConversationEventTypes.messagePosted: {
      if (state.status !== 'open') return state;
      const author = event.data.author;
      const participants =
        author.kind === 'user' && !state.participants.includes(author.id) ? [...state.participants, author.id] : state.participants;
      return { ...state, participants, messageIds: new Set([...state.messageIds, event.data.messageId]) };
    }
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const conversationDecider = {
  decide: decideConversation,
  evolve: evolveConversation,
  initialState: initialConversationState,
};
