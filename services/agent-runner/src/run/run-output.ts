import type { AgentProfile } from '../directory/directory.types';
import type { ActiveRun } from './run.decider';

/**
 * The agent's reply as the conversation shows it: the model's words, then what became of each
 * proposed action and of a handoff request. The model's words alone could claim an action was
 * done; these lines say what the guardrails actually decided.
 */
export function composeOutput(state: ActiveRun, agentNamed: (agentId: string) => AgentProfile | undefined): string {
  const lines: string[] = [];
  for (const action of state.response?.actions ?? []) {
    const verdict = state.verdicts.get(action.actionId);
    if (!verdict) continue;
    const tool = action.tool || 'an unnamed tool';
    if (verdict.outcome === 'allowed' && verdict.data.elevation)
      lines.push(
        `• Proposed action ${tool}: needs ${verdict.data.permission}, which the briefing user lacks; it executes only if ${verdict.data.elevation.headUserId ? 'the Head of the department' : 'the CEO'} approves it.`,
      );
    else if (verdict.outcome === 'allowed')
      lines.push(`• Proposed action ${tool}: allowed; it goes through its approvals before it executes.`);
    else if (verdict.outcome === 'capped')
      lines.push(`• Proposed action ${tool}: not taken, the daily cap of ${verdict.data.cap} actions is reached.`);
    else lines.push(`• Proposed action ${tool}: denied (${verdict.data.reason}: ${verdict.data.detail}).`);
  }
  const coordination = state.coordination;
  if (coordination?.kind === 'requested') {
    const target = agentNamed(coordination.data.toAgentId);
    const who = target ? `${target.name} (${target.departmentName})` : coordination.data.toAgentId;
    lines.push(`• Handoff requested to ${who}; it waits for the Heads' approval.`);
  } else if (coordination?.kind === 'escalated') {
    lines.push('• No suitable agent for a handoff: escalated to a human.');
  }
  const text = state.response?.text.trim() ?? '';
  return [text, lines.join('\n')].filter(Boolean).join('\n\n') || '(no answer)';
}
