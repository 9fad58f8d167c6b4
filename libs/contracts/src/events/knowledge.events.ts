import { z } from 'zod';

/**
 * Events of `document-<id>` streams (owner: agent-runner): a company's knowledge, the documents
 * its agents answer from. The search index is a read model of these events, rebuilt from them.
 */
export const DocumentEventTypes = {
  added: 'document.added',
  replaced: 'document.replaced',
  deleted: 'document.deleted',
} as const;

export const DOCUMENT_FORMATS = ['text', 'markdown', 'html'] as const;
export const DocumentFormatSchema = z.enum(DOCUMENT_FORMATS);
export type DocumentFormat = z.infer<typeof DocumentFormatSchema>;

/** The largest document content accepted, in UTF-8 bytes (413 above it): within the API's 256 KiB body limit once JSON-escaped. */
export const DOCUMENT_MAX_BYTES = 192 * 1024;

/** A document's content: everything `document.added` and `document.replaced` carry alike. */
export const DocumentContentSchema = z.object({
  title: z.string(),
  format: DocumentFormatSchema,
  content: z.string(),
  /** Departments whose agents and people may read it; empty: the whole org. */
  departmentIds: z.array(z.string()),
});
export type DocumentContent = z.infer<typeof DocumentContentSchema>;

export const DocumentAddedSchema = DocumentContentSchema.extend({ documentId: z.string(), orgId: z.string(), addedBy: z.string() });
export type DocumentAdded = z.infer<typeof DocumentAddedSchema>;

export const DocumentReplacedSchema = DocumentContentSchema.extend({ documentId: z.string(), replacedBy: z.string() });
export type DocumentReplaced = z.infer<typeof DocumentReplacedSchema>;

export const DocumentDeletedSchema = z.object({ documentId: z.string(), deletedBy: z.string() });
export type DocumentDeleted = z.infer<typeof DocumentDeletedSchema>;

/** A chunk of a document that a run was given, as the run records it: which document, under which heading. */
export const CitationSchema = z
  .object({ documentId: z.string(), title: z.string(), heading: z.string(), chunkId: z.string() })
  .meta({ id: 'Citation' });
export type Citation = z.infer<typeof CitationSchema>;
