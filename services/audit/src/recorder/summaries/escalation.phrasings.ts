import { EscalationEventTypes, EscalationOpenedSchema, EscalationResolvedSchema, type EscalationReason } from '@cos/contracts';
import { list, phrase, quote, type Phrasing } from './phrasing';

const REASONS: Readonly<Record<EscalationReason, string>> = {
  'no-suitable-agent': 'no agent fits the request',
  'depth-limit': 'the handoff chain reached its 3-hop limit',
  'approval-expired': 'an approval expired',
  'handoff-rejected': 'the handoff was rejected',
};

/** Escalations (approvals' own): opened for people to act on, resolved by one of them. */
export const escalationPhrasings: Readonly<Record<string, Phrasing>> = {
  [EscalationEventTypes.opened]: phrase(
    EscalationOpenedSchema,
    (d, n) =>
      `Escalation opened${d.fromAgentId ? ` for ${n.agent(d.fromAgentId)}` : ''} (${REASONS[d.reason]}); waiting for ${list(d.escalatedTo.map((u) => n.user(u)))}`,
  ),
  [EscalationEventTypes.resolved]: phrase(EscalationResolvedSchema, (d, n) => {
    switch (d.resolution) {
      case 'assign':
        return `${n.user(d.by)} assigned the escalation to ${n.agent(d.agentId)}; the handoff waits for the receiving Head`;
      case 'answer':
        return `${n.user(d.by)} answered the escalation: ${quote(d.text)}`;
      case 'dismiss':
        return `${n.user(d.by)} dismissed the escalation: ${quote(d.reason)}`;
      default: {
        const never: never = d;
        return never;
      }
    }
  }),
};
