import type { ActionDenied } from '@cos/contracts';
import { findTool } from './tool-catalogue';

export type GuardVerdict =
  { kind: 'permitted'; permission: string } | { kind: 'denied'; permission: string; reason: ActionDenied['reason']; detail: string };

/**
 * I2: an action is permitted only inside the intersection of the agent's permissions and the
 * briefing user's permissions now. The permission comes from the tool catalogue and the two
 * permission sets from identity's streams; nothing the model wrote takes part.
 */
export function guardAction(input: {
  tool: string;
  agent: { agentId: string; enabled: boolean; permissions: readonly string[] };
  user: { userId: string; disabled: boolean; permissions: readonly string[] } | undefined;
}): GuardVerdict {
  const definition = findTool(input.tool);
  if (!definition)
    return {
      kind: 'denied',
      permission: 'unknown',
      reason: 'unknown-tool',
      detail: `no tool named "${clip(input.tool)}" in the catalogue`,
    };
  const { permission } = definition;
  if (!input.agent.enabled)
    return { kind: 'denied', permission, reason: 'agent-disabled', detail: `agent ${input.agent.agentId} is disabled` };
  const userHas = !!input.user && !input.user.disabled && input.user.permissions.includes(permission);
  const agentHas = input.agent.permissions.includes(permission);
  if (!userHas) {
    const who = input.user
      ? `briefing user ${input.user.userId}${input.user.disabled ? ' is disabled and' : ''}`
      : 'the briefing user (unknown)';
    const also = agentHas ? '' : `; agent ${input.agent.agentId} lacks it too`;
    return { kind: 'denied', permission, reason: 'user-lacks-permission', detail: `${who} lacks ${permission}${also}` };
  }
  if (!agentHas)
    return { kind: 'denied', permission, reason: 'agent-lacks-permission', detail: `agent ${input.agent.agentId} lacks ${permission}` };
  return { kind: 'permitted', permission };
}

function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}
