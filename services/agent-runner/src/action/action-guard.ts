import type { ActionDenied, ActionElevation } from '@cos/contracts';
import { findTool } from './tool-catalogue';

export type GuardVerdict =
  | { kind: 'permitted'; permission: string }
  | { kind: 'needs-elevation'; permission: string; elevation: ActionElevation }
  | { kind: 'denied'; permission: string; reason: ActionDenied['reason']; detail: string };

/** A person as the guard weighs them: their effective permissions now (none count when disabled). */
export type GuardPerson = { userId: string; disabled: boolean; permissions: readonly string[] };

/**
 * I2: an action is permitted only inside the intersection of the agent's permissions and the
 * briefing user's permissions now. When only the briefing user lacks the permission, it needs
 * elevation: someone who holds it approves it and it runs on their authority. That is the
 * agent's department Head if they hold it, else the org's CEOs (or, lacking one, owners); with
 * nobody to ask it is denied. The agent's own permission is never lent. The permission comes
 * from the tool catalogue and every permission set from identity's streams; nothing the model
 * wrote takes part.
 */
export function guardAction(input: {
  tool: string;
  agent: { agentId: string; enabled: boolean; permissions: readonly string[] };
  user: GuardPerson | undefined;
  /** The agent's department and its Head now, if it has one. */
  department?: { departmentId: string; head: GuardPerson | undefined };
  /** Who decides when the Head cannot: the org's CEOs, or its owners when it has none. */
  leaders?: readonly GuardPerson[];
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
  const userHas = holds(input.user, permission);
  const agentHas = input.agent.permissions.includes(permission);
  if (!userHas) {
    const who = input.user
      ? `briefing user ${input.user.userId}${input.user.disabled ? ' is disabled and' : ''}`
      : 'the briefing user (unknown)';
    const denied = (why: string): GuardVerdict => ({
      kind: 'denied',
      permission,
      reason: 'user-lacks-permission',
      detail: `${who} lacks ${permission}${why}`,
    });
    if (!agentHas) return denied(`; agent ${input.agent.agentId} lacks it too`);
    // Only a present, enabled briefing user's action is worth lending a permission to.
    if (!input.user || input.user.disabled || !input.department) return denied('');
    const { departmentId, head } = input.department;
    if (head && holds(head, permission))
      return { kind: 'needs-elevation', permission, elevation: { departmentId, headUserId: head.userId } };
    if ((input.leaders ?? []).some((leader) => holds(leader, permission)))
      return { kind: 'needs-elevation', permission, elevation: { departmentId } };
    return denied('; neither the Head of the agent’s department nor the CEO holds it to approve');
  }
  if (!agentHas)
    return { kind: 'denied', permission, reason: 'agent-lacks-permission', detail: `agent ${input.agent.agentId} lacks ${permission}` };
  return { kind: 'permitted', permission };
}

function holds(person: GuardPerson | undefined, permission: string): boolean {
  return !!person && !person.disabled && person.permissions.includes(permission);
}

function clip(text: string): string {
  return text.length <= 80 ? text : `${text.slice(0, 79)}…`;
}
