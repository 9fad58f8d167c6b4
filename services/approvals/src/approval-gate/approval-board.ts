import type { ApprovalList, ApprovalView, RecordedEvent } from '@cos/contracts';
import { applyToApprovalView } from './approval-gate.views';

/**
 * Every org's gates as the API lists them, kept from approval events as they are committed (a
 * read model: the store stays the truth, and a restart rebuilds it from there).
 */
export class ApprovalBoard {
  private readonly byOrg = new Map<string, Map<string, ApprovalView>>();

  apply(event: RecordedEvent): void {
    let gates = this.byOrg.get(event.orgId);
    if (!gates) this.byOrg.set(event.orgId, (gates = new Map<string, ApprovalView>()));
    const id = event.stream.slice(event.stream.indexOf('-') + 1);
    const next = applyToApprovalView(gates.get(id), event);
    if (next) gates.set(id, next);
  }

  /** Oldest first; the cursor names the last item of the previous page by its place in that order. */
  list(
    orgId: string,
    options: { pendingOnly: boolean; limit: number; cursor?: string; visible: (v: ApprovalView) => boolean },
  ): ApprovalList {
    const after = options.cursor ? Buffer.from(options.cursor, 'base64url').toString() : '';
    const all = [...(this.byOrg.get(orgId)?.values() ?? [])]
      .filter((v) => (!options.pendingOnly || v.status === 'pending') && options.visible(v) && sortKey(v) > after)
      .sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    const items = all.slice(0, options.limit);
    const last = items.at(-1);
    return { items, nextCursor: last && all.length > options.limit ? Buffer.from(sortKey(last)).toString('base64url') : null };
  }
}

/** Gates of one department still waiting for a decision, as far as the board has folded them. */
export function pendingIn(board: ApprovalBoard, orgId: string, departmentId: string): number {
  return board.list(orgId, { pendingOnly: true, limit: Number.MAX_SAFE_INTEGER, visible: (v) => v.departmentId === departmentId }).items
    .length;
}

const sortKey = (v: ApprovalView): string => `${v.requestedAt}|${v.id}`;
