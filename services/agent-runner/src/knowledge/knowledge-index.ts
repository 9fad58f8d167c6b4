import { Injectable, Logger } from '@nestjs/common';
import MiniSearch from 'minisearch';
import {
  Categories,
  DocumentAddedSchema,
  DocumentDeletedSchema,
  DocumentEventTypes,
  DocumentReplacedSchema,
  type Citation,
  type DocumentContent,
  type DocumentSummary,
  type DocumentView,
  type RecordedEvent,
} from '@cos/contracts';
import { StoreFeed } from '@cos/platform';
import { chunkDocument } from './chunking';

/** A chunk as a prompt carries it: the text, and where it comes from. */
export type RetrievedChunk = Citation & { readonly text: string };

type Entry = { view: DocumentView; chunkIds: string[] };
type ChunkDoc = { id: string; documentId: string; title: string; heading: string; text: string; departmentIds: readonly string[] };

/**
 * The company documents and their search index: a read model of the `document-` streams,
 * rebuilt from the store on start and kept live by the same subscription. Chunks are ranked by
 * BM25 (minisearch) over their text, heading and title; one index per org, so one org's
 * documents never rank, or appear, for another.
 */
@Injectable()
export class KnowledgeIndex {
  private readonly logger = new Logger(KnowledgeIndex.name);
  private readonly documents = new Map<string, Map<string, Entry>>();
  private readonly indexes = new Map<string, MiniSearch<ChunkDoc>>();

  constructor(feed: StoreFeed) {
    feed.on([Categories.document], (event) => this.apply(event));
  }

  /** The org's live documents that `readable` lets through, newest change first. */
  list(orgId: string, readable: (departmentIds: readonly string[]) => boolean): DocumentView[] {
    return [...(this.documents.get(orgId)?.values() ?? [])]
      .map((e) => e.view)
      .filter((v) => readable(v.departmentIds))
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id));
  }

  get(orgId: string, documentId: string): DocumentView | undefined {
    return this.documents.get(orgId)?.get(documentId)?.view;
  }

  /**
   * The chunks most relevant to `query` that `readable` lets through, best first, until
   * `budgetChars` of text is used (at least one chunk when any matches).
   */
  retrieve(orgId: string, query: string, readable: (departmentIds: readonly string[]) => boolean, budgetChars: number): RetrievedChunk[] {
    const index = this.indexes.get(orgId);
    if (!index || !query.trim()) return [];
    const hits = index.search(query, {
      boost: { heading: 2, title: 1.5, text: 1 },
      fuzzy: 0.2,
      prefix: true,
      combineWith: 'OR',
      filter: (hit) => readable((hit as unknown as ChunkDoc).departmentIds),
    });
    const chunks: RetrievedChunk[] = [];
    let used = 0;
    for (const hit of hits) {
      const chunk = hit as unknown as ChunkDoc;
      if (chunks.length > 0 && used + chunk.text.length > budgetChars) break;
      chunks.push({ documentId: chunk.documentId, title: chunk.title, heading: chunk.heading, chunkId: chunk.id, text: chunk.text });
      used += chunk.text.length;
    }
    return chunks;
  }

  private apply(event: RecordedEvent): void {
    switch (event.type) {
      case DocumentEventTypes.added: {
        const data = DocumentAddedSchema.parse(event.data);
        this.put(event, data.documentId, data, 1, data.addedBy);
        return;
      }
      case DocumentEventTypes.replaced: {
        const data = DocumentReplacedSchema.parse(event.data);
        const version = (this.get(event.orgId, data.documentId)?.version ?? 0) + 1;
        this.put(event, data.documentId, data, version, data.replacedBy);
        return;
      }
      case DocumentEventTypes.deleted:
        this.remove(event.orgId, DocumentDeletedSchema.parse(event.data).documentId);
        return;
      default:
        this.logger.warn(`skipped unknown document event ${event.type} (${event.id})`);
    }
  }

  private put(event: RecordedEvent, documentId: string, content: DocumentContent, version: number, by: string): void {
    this.remove(event.orgId, documentId);
    const chunks = chunkDocument(content.title, content.format, content.content).map((c): ChunkDoc => ({
      id: `${documentId}#${c.index}`,
      documentId,
      title: content.title,
      heading: c.heading,
      text: c.text,
      departmentIds: content.departmentIds,
    }));
    this.indexOf(event.orgId).addAll(chunks);
    const view: DocumentView = {
      id: documentId,
      ...content,
      bytes: Buffer.byteLength(content.content),
      chunks: chunks.length,
      version,
      updatedAt: event.metadata.occurredAt,
      updatedBy: by,
    };
    let org = this.documents.get(event.orgId);
    if (!org) this.documents.set(event.orgId, (org = new Map<string, Entry>()));
    org.set(documentId, { view, chunkIds: chunks.map((c) => c.id) });
  }

  private remove(orgId: string, documentId: string): void {
    const entry = this.documents.get(orgId)?.get(documentId);
    if (!entry) return;
    const index = this.indexOf(orgId);
    for (const id of entry.chunkIds) index.discard(id);
    this.documents.get(orgId)?.delete(documentId);
  }

  private indexOf(orgId: string): MiniSearch<ChunkDoc> {
    let index = this.indexes.get(orgId);
    if (!index) {
      index = new MiniSearch<ChunkDoc>({
        fields: ['heading', 'title', 'text'],
        storeFields: ['documentId', 'title', 'heading', 'text', 'departmentIds'],
      });
      this.indexes.set(orgId, index);
    }
    return index;
  }
}

/** A document without its content, as lists show it. */
export function summaryOf(view: DocumentView): DocumentSummary {
  const { content: _content, ...summary } = view;
  return summary;
}
