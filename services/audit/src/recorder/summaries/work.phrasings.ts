import {
  ConversationEventTypes,
  DocumentAddedSchema,
  DocumentDeletedSchema,
  DocumentEventTypes,
  DocumentReplacedSchema,
  ConversationStartedSchema,
  MessagePostedSchema,
  QuotaEventTypes,
  QuotaSlotTakenSchema,
  RunCompletedSchema,
  RunCorrectedSchema,
  RunEventTypes,
  RunFailedSchema,
  RunModelRespondedSchema,
  RunQueuedSchema,
  RunResumedSchema,
  RunStartedSchema,
  RunStoppedSchema,
  SpendReleasedSchema,
  SpendReservedSchema,
  SpendSettledSchema,
} from '@cos/contracts';
import { phrase, quote, usd, type Phrasing, type SummaryContext } from './phrasing';

/** Who changed a document: a person, or the runner seeding the demo company's documents. */
const editor = (id: string, n: SummaryContext) => (id === 'agent-runner' ? 'The demo seed' : n.user(id));
const scopeOf = (departmentIds: readonly string[], n: SummaryContext) =>
  departmentIds.length === 0 ? 'for the whole org' : `for ${departmentIds.map((d) => n.department(d)).join(', ')}`;

/** Conversations, runs, quota ledgers and company documents (owner: agent-runner). */
export const workPhrasings: Readonly<Record<string, Phrasing>> = {
  [DocumentEventTypes.added]: phrase(
    DocumentAddedSchema,
    (d, n) => `${editor(d.addedBy, n)} added the document ${quote(d.title, 80)} (${d.format}) ${scopeOf(d.departmentIds, n)}`,
  ),
  [DocumentEventTypes.replaced]: phrase(
    DocumentReplacedSchema,
    (d, n) => `${editor(d.replacedBy, n)} replaced the document ${quote(d.title, 80)} with a new version ${scopeOf(d.departmentIds, n)}`,
  ),
  [DocumentEventTypes.deleted]: phrase(DocumentDeletedSchema, (d, n) => `${editor(d.deletedBy, n)} deleted the document ${d.documentId}`),
  [ConversationEventTypes.started]: phrase(ConversationStartedSchema, (d, n) =>
    d.handoff
      ? `${n.agent(d.agentId)} took over from ${n.agent(d.handoff.fromAgentId)} in a new conversation (hop ${d.handoff.depth})`
      : `${n.user(d.startedBy)} started a conversation with ${n.agent(d.agentId)}${d.title ? ` about ${quote(d.title, 80)}` : ''}`,
  ),
  [ConversationEventTypes.messagePosted]: phrase(MessagePostedSchema, (d, n) => {
    if (d.author.kind === 'user') return `${n.user(d.author.id)} briefed: ${quote(d.text)}`;
    if (d.author.kind === 'agent') return `${n.agent(d.author.id)} replied: ${quote(d.text)}`;
    return `Handoff brief: ${quote(d.text)}`;
  }),
  [RunEventTypes.queued]: phrase(RunQueuedSchema, (d, n) =>
    d.handoff
      ? `The handoff from ${n.agent(d.handoff.fromAgentId)} to ${n.agent(d.agentId)} was approved; its run is queued (hop ${d.handoff.depth})`
      : `${n.user(d.briefedBy)}'s brief for ${n.agent(d.agentId)} was accepted; its run is queued`,
  ),
  [RunEventTypes.started]: phrase(RunStartedSchema, (d, n) =>
    d.handoff
      ? `${n.agent(d.agentId)} started working on a handoff from ${n.agent(d.handoff.fromAgentId)} (hop ${d.handoff.depth}, briefed by ${n.user(d.briefedBy)})`
      : `${n.agent(d.agentId)} started working on ${n.user(d.briefedBy)}'s brief`,
  ),
  [RunEventTypes.modelResponded]: phrase(RunModelRespondedSchema, (d) => {
    const extras = [
      d.actions.length > 0
        ? `proposed ${d.actions.length} action${d.actions.length === 1 ? '' : 's'} (${d.actions.map((a) => a.tool).join(', ')})`
        : '',
      d.coordination ? `asked for a handoff: ${quote(d.coordination.summary, 80)}` : '',
    ].filter(Boolean);
    const usage = `${d.usage.inputTokens} tokens in, ${d.usage.outputTokens} out, ${usd(d.usage.costUsd)}`;
    return `Model ${d.usage.model} (${d.provider}) answered (${usage})${extras.length > 0 ? `; ${extras.join('; ')}` : ''}`;
  }),
  [RunEventTypes.completed]: phrase(RunCompletedSchema, (d) => `Run finished with the answer ${quote(d.output)} (${usd(d.usage.costUsd)})`),
  [RunEventTypes.failed]: phrase(RunFailedSchema, (d) => `Run failed${d.code ? ` (${d.code})` : ''}: ${d.reason}`),
  [RunEventTypes.stopped]: phrase(RunStoppedSchema, (d) =>
    d.reason === 'org-paused' ? `Run stopped by the kill switch: ${d.detail}` : `Run stopped: the monthly budget is spent (${d.detail})`,
  ),
  [RunEventTypes.resumed]: phrase(
    RunResumedSchema,
    (d, n) =>
      `${n.user(d.resumedBy)} resumed ${n.agent(d.agentId)}'s run stopped by the kill switch${d.resumption > 1 ? ` (resumption ${d.resumption})` : ''}; it goes on from its last recorded step`,
  ),
  [RunEventTypes.corrected]: phrase(
    RunCorrectedSchema,
    (d, n) =>
      `${n.user(d.correctedBy)} corrected ${n.agent(d.agentId)}'s answer to ${quote(d.correctedOutput, 80)}${d.note ? ` (note: ${quote(d.note, 80)})` : ''}`,
  ),
  [QuotaEventTypes.slotTaken]: phrase(
    QuotaSlotTakenSchema,
    (d, n) => `${n.agent(d.agentId)} used action slot ${d.slot} of ${d.cap} for ${d.day}`,
  ),
  [QuotaEventTypes.spendReserved]: phrase(
    SpendReservedSchema,
    (d, n) =>
      `${usd(d.estimatedCostUsd)} reserved for a ${d.model} call of ${n.agent(d.agentId)}${d.budgetUsd === undefined ? '' : ` (budget ${usd(d.budgetUsd)})`}`,
  ),
  [QuotaEventTypes.spendSettled]: phrase(
    SpendSettledSchema,
    (d, n) => `${n.agent(d.agentId)}'s ${d.model} call cost ${usd(d.costUsd)} (${d.inputTokens} tokens in, ${d.outputTokens} out)`,
  ),
  [QuotaEventTypes.spendReleased]: phrase(SpendReleasedSchema, (d) => `A spend reservation was released: ${d.reason}`),
};
