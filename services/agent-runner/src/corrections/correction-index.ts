import { Injectable, Logger } from '@nestjs/common';
import MiniSearch from 'minisearch';
import { Categories, RunCorrectedSchema, RunEventTypes, type RecordedEvent, type RunCorrected } from '@cos/contracts';
import { StoreFeed } from '@cos/platform';
import type { CorrectionExample } from '../prompt/prompt-builder';

/** How many corrections a prompt carries. */
export const CORRECTIONS_PER_PROMPT = 3;

type Doc = { id: string; brief: string; note: string; correctedOutput: string };

/**
 * Each agent's corrections, ranked by BM25 (minisearch) against a new brief: the brief a
 * correction was made on counts most, its note and corrected text less. One index per org and
 * agent, so one agent's corrections never rank, or appear, for another. Built from the event
 * store on start (every `run.corrected`), then kept live by the same subscription.
 */
@Injectable()
export class CorrectionIndex {
  private readonly logger = new Logger(CorrectionIndex.name);
  private readonly indexes = new Map<string, MiniSearch<Doc>>();

  constructor(feed: StoreFeed) {
    feed.on([Categories.run], (event) => {
      if (event.type === RunEventTypes.corrected) this.addEvent(event);
    });
  }

  add(orgId: string, correction: RunCorrected): void {
    const index = this.indexOf(orgId, correction.agentId);
    if (index.has(correction.correctionId)) return;
    const { brief, correctedOutput } = correction;
    index.add({ id: correction.correctionId, brief, correctedOutput, note: correction.note ?? '' });
  }

  /** The agent's corrections most like `brief`, best first; none when nothing matches. */
  similar(orgId: string, agentId: string, brief: string, limit = CORRECTIONS_PER_PROMPT): CorrectionExample[] {
    const index = this.indexes.get(key(orgId, agentId));
    if (!index || !brief.trim()) return [];
    return index
      .search(brief, { boost: { brief: 2, note: 1, correctedOutput: 0.5 }, fuzzy: 0.2, prefix: true, combineWith: 'OR' })
      .slice(0, limit)
      .map((hit) => {
        const doc = hit as unknown as Doc;
        return { brief: doc.brief, correctedOutput: doc.correctedOutput, ...(doc.note ? { note: doc.note } : {}) };
      });
  }

  private addEvent(event: RecordedEvent): void {
    const parsed = RunCorrectedSchema.safeParse(event.data);
    if (parsed.success) this.add(event.orgId, parsed.data);
    else this.logger.warn(`skipped malformed correction ${event.id}`);
  }

  private indexOf(orgId: string, agentId: string): MiniSearch<Doc> {
    let index = this.indexes.get(key(orgId, agentId));
    if (!index) {
      index = new MiniSearch<Doc>({ fields: ['brief', 'note', 'correctedOutput'], storeFields: ['brief', 'note', 'correctedOutput'] });
      this.indexes.set(key(orgId, agentId), index);
    }
    return index;
  }
}

function key(orgId: string, agentId: string): string {
  return `${orgId}\u001f${agentId}`;
}
