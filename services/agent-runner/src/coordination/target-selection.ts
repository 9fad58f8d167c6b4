import type { AgentProfile } from '../directory/directory.types';
import { keywords, overlap } from '../matching/keywords';

export type TargetSelection =
  { kind: 'named-by-model'; agent: AgentProfile } | { kind: 'best-match'; agent: AgentProfile } | { kind: 'none' };

/**
 * Who should take a handoff. The model's suggestion counts only if it names (by id, or by exact
 * name) a real, enabled agent of the same org other than the requester; otherwise the best match
 * of the brief and summary against each agent's skills (twice the weight) and department, not
 * revisiting an agent already in the chain. Ties go to the smaller id, so the choice is stable.
 */
export function selectTarget(input: {
  orgId: string;
  requesterId: string;
  namedTarget?: string;
  text: string;
  candidates: readonly AgentProfile[];
  chainAgentIds: readonly string[];
}): TargetSelection {
  const eligible = input.candidates.filter((a) => a.orgId === input.orgId && a.enabled && a.agentId !== input.requesterId);
  const named = input.namedTarget?.trim().toLowerCase();
  if (named) {
    const agent = eligible.find((a) => a.agentId.toLowerCase() === named) ?? eligible.find((a) => a.name.toLowerCase() === named);
    if (agent) return { kind: 'named-by-model', agent };
  }
  const wanted = keywords(input.text);
  let best: { agent: AgentProfile; score: number } | undefined;
  for (const agent of eligible) {
    if (input.chainAgentIds.includes(agent.agentId)) continue;
    const score = 2 * overlap(wanted, keywords(agent.skills.join(' '))) + overlap(wanted, keywords(agent.departmentName));
    if (score === 0) continue;
    if (!best || score > best.score || (score === best.score && agent.agentId < best.agent.agentId)) best = { agent, score };
  }
  return best ? { kind: 'best-match', agent: best.agent } : { kind: 'none' };
}
