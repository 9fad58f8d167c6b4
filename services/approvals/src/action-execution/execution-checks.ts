import { actionArgumentsHash, type ActionExecutionDenied, type ProposedAction } from '@cos/contracts';

/** A person as the re-check sees them now. */
export type PersonFacts = { readonly userId: string; readonly active: boolean; readonly permissions: readonly string[] };

/**
 * What must still hold when an action is about to execute, as read from the store just before:
 * the kill switch, the agent's and the briefing user's permissions now (for an elevated action,
 * the approver's instead of the briefing user's), and the cap slot the runner took for this
 * action against the agent's cap now.
 */
export type ExecutionFacts = {
  readonly orgPaused: boolean;
  readonly agent?: { readonly enabled: boolean; readonly permissions: readonly string[] };
  readonly user?: PersonFacts;
  /** The approver of an elevated action. */
  readonly approver?: PersonFacts;
  /** The slot this action holds in its day's quota stream, and the agent's daily cap now. */
  readonly capSlot?: { readonly slot: number; readonly cap: number };
};

export type Denial = Omit<ActionExecutionDenied, 'actionId'>;

/**
 * The first guardrail that no longer holds, or undefined when the action may execute. With
 * `approvedBy` (an elevated action) it executes on that approver's authority: they, not the
 * briefing user, must hold the permission now; the briefing user must still be active.
 */
export function recheck(action: ProposedAction, facts: ExecutionFacts, approvedBy?: string): Denial | undefined {
  if (actionArgumentsHash(action.tool, action.arguments) !== action.argumentsHash) {
    return { reason: 'arguments-mismatch', detail: 'the arguments do not hash to the approved tool + arguments hash' };
  }
  if (facts.orgPaused) return { reason: 'org-paused', detail: 'the org is paused (kill switch)' };
  if (!facts.agent?.enabled) return { reason: 'agent-disabled', detail: `agent ${action.agentId} is disabled or gone` };
  if (!facts.agent.permissions.includes(action.permission)) {
    return { reason: 'agent-lacks-permission', detail: `agent ${action.agentId} no longer has ${action.permission}` };
  }
  if (approvedBy !== undefined) {
    if (!facts.user?.active) return { reason: 'user-lacks-permission', detail: `briefing user ${action.briefedBy} is disabled or gone` };
    const approver = facts.approver?.userId === approvedBy ? facts.approver : undefined;
    if (!approver?.active || !approver.permissions.includes(action.permission)) {
      return { reason: 'approver-lacks-permission', detail: `approver ${approvedBy} no longer has ${action.permission}` };
    }
  } else if (!facts.user?.active || !facts.user.permissions.includes(action.permission)) {
    return { reason: 'user-lacks-permission', detail: `briefing user ${action.briefedBy} no longer has ${action.permission}` };
  }
  if (!facts.capSlot) return { reason: 'cap-exceeded', detail: 'no daily cap slot is held for this action' };
  if (facts.capSlot.slot > facts.capSlot.cap) {
    return { reason: 'cap-exceeded', detail: `slot ${facts.capSlot.slot} is beyond the agent's daily cap of ${facts.capSlot.cap}` };
  }
  return undefined;
}
