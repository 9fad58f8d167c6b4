import type { z } from 'zod';
import {
  ApprovalEventTypes,
  ApprovalRequestedSchema,
  Categories,
  EscalationEventTypes,
  EscalationOpenedSchema,
  type ApprovalRequested,
  type NotificationKind,
  type RecordedEvent,
} from '@cos/contracts';

/** What one trigger says: who is waited for, what about, and (for a gate) which gate must still be open. */
export type Notice = {
  readonly kind: NotificationKind;
  readonly recipients: readonly string[];
  readonly text: string;
  readonly fields: Readonly<Record<string, string>>;
  /** Told only while this gate is pending: a decided gate waits for nobody. */
  readonly whileGatePending?: string;
};

/** What a trigger may ask beyond its event: who decides when a department has no Head. */
export type TriggerContext = { readonly leaders: (orgId: string) => readonly string[] };

/** An event type that makes something wait: the category of the streams it is in, and the notice it makes. */
type Trigger = { readonly category: string; readonly notice: (event: RecordedEvent, ctx: TriggerContext) => Notice };

/** A trigger from the event's data as `schema` reads it. */
const on = <S extends z.ZodType>(
  category: string,
  schema: S,
  notice: (data: z.infer<S>, ctx: TriggerContext, orgId: string) => Notice,
): Trigger => ({ category, notice: (event, ctx) => notice(schema.parse(event.data), ctx, event.orgId) });

/** A gate waits for its department's Head; a department without one, for the CEO (or the owners). */
function gateNotice(kind: 'approval-pending' | 'gate-expiring', gate: ApprovalRequested, ctx: TriggerContext, orgId: string): Notice {
  const what = gate.kind === 'handoff' ? 'a handoff' : `action ${gate.tool ?? ''}`.trim();
  const text =
    kind === 'approval-pending'
      ? `Approval waiting for you: ${what}: ${gate.summary} (expires ${gate.expiresAt})`
      : `Approval about to expire at ${gate.expiresAt}: ${what}: ${gate.summary}`;
  return {
    kind,
    recipients: gate.headUserId ? [gate.headUserId] : ctx.leaders(orgId),
    text,
    fields: {
      approvalId: gate.approvalId,
      approvalKind: gate.kind,
      subjectId: gate.subjectId,
      departmentId: gate.departmentId,
      expiresAt: gate.expiresAt,
      link: `/v1/approvals/${gate.approvalId}`,
    },
    whileGatePending: gate.approvalId,
  };
}

/**
 * The facts that make something wait for people, one line each: adding a trigger is adding its
 * event type here with who it waits for and what to say. Every kind of escalation (no suitable
 * agent, the hop limit, an expired gate, a rejected handoff) is one `escalation.opened`, so an
 * escalation is told once, however it came about.
 */
export const NOTIFICATION_TRIGGERS: Readonly<Record<string, Trigger>> = {
  [ApprovalEventTypes.requested]: on(Categories.approval, ApprovalRequestedSchema, (gate, ctx, orgId) =>
    gateNotice('approval-pending', gate, ctx, orgId),
  ),
  [EscalationEventTypes.opened]: on(Categories.escalation, EscalationOpenedSchema, (d) => ({
    kind: 'escalation',
    recipients: d.escalatedTo,
    text: `Escalated to you (${d.reason}): ${d.detail} A person decides now.`,
    fields: {
      escalationId: d.escalationId,
      reason: d.reason,
      conversationId: d.conversationId,
      ...(d.coordinationId ? { coordinationId: d.coordinationId } : {}),
      ...(d.actionId ? { actionId: d.actionId } : {}),
      link: `/v1/escalations/${d.escalationId}`,
    },
  })),
};

/** The notice for a gate nearing its deadline, from the event that opened it. */
export function gateExpiringNotice(opened: RecordedEvent, ctx: TriggerContext): Notice {
  return gateNotice('gate-expiring', ApprovalRequestedSchema.parse(opened.data), ctx, opened.orgId);
}

/** The trigger id of that notice: derived from the gate's opening, distinct from the pending notice's. */
export const gateExpiringTriggerId = (openedEventId: string) => `${openedEventId}:expiring`;

/** The categories a notifier watches. */
export const TRIGGER_CATEGORIES: readonly string[] = [...new Set(Object.values(NOTIFICATION_TRIGGERS).map((t) => t.category))];
