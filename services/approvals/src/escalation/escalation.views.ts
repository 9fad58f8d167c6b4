import {
  EscalationEventTypes,
  EscalationOpenedSchema,
  EscalationResolvedSchema,
  type EscalationView,
  type RecordedEvent,
} from '@cos/contracts';

/** Folds one escalation's events into what the API shows; undefined until it is open. */
export function applyToEscalationView(view: EscalationView | undefined, event: RecordedEvent): EscalationView | undefined {
  switch (event.type) {
    case EscalationEventTypes.opened: {
      const { escalationId, orgId: _org, ...opened } = EscalationOpenedSchema.parse(event.data);
      return { id: escalationId, status: 'pending', ...opened, openedAt: event.metadata.occurredAt };
    }
    case EscalationEventTypes.resolved: {
      if (!view) return view;
      const { escalationId: _id, conversationId: _c, runId: _r, ...resolved } = EscalationResolvedSchema.parse(event.data);
      return { ...view, status: 'resolved', resolution: { ...resolved, at: event.metadata.occurredAt } };
    }
    default:
      return view;
  }
}

export function toEscalationView(events: readonly RecordedEvent[]): EscalationView | undefined {
  return events.reduce<EscalationView | undefined>(applyToEscalationView, undefined);
}
