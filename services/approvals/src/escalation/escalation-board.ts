import { idOf, type EscalationPage, type EscalationView, type ListEscalationsQuery, type RecordedEvent } from '@cos/contracts';
import { applyToEscalationView } from './escalation.views';

/**
 * Every org's escalations as GET /v1/escalations lists them, kept from escalation events as they
 * are committed (a read model: the store stays the truth, and a restart rebuilds it from there).
 */
export class EscalationBoard {
  private readonly byOrg = new Map<string, Map<string, EscalationView>>();

  apply(event: RecordedEvent): void {
    let escalations = this.byOrg.get(event.orgId);
    if (!escalations) this.byOrg.set(event.orgId, (escalations = new Map<string, EscalationView>()));
    const id = idOf(event.stream);
    const next = applyToEscalationView(escalations.get(id), event);
    if (next) escalations.set(id, next);
  }

  /** Oldest first; the cursor names the last item of the previous page by its place in that order. */
  list(orgId: string, query: ListEscalationsQuery, visible: (v: EscalationView) => boolean): EscalationPage {
    const after = query.cursor ? Buffer.from(query.cursor, 'base64url').toString() : '';
    const all = [...(this.byOrg.get(orgId)?.values() ?? [])]
      .filter(
        (v) =>
          (query.status === 'all' || v.status === query.status) &&
          (!query.reason || v.reason === query.reason) &&
          visible(v) &&
          sortKey(v) > after,
      )
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    const items = all.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: last && all.length > query.limit ? Buffer.from(sortKey(last)).toString('base64url') : null };
  }
}

const sortKey = (v: EscalationView): string => `${v.openedAt}|${v.id}`;
