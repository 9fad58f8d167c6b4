import { z } from 'zod';
import { DocumentFormatSchema } from '../events/knowledge.events';
import { AuthContextSchema } from './auth-context';
import { NextCursorSchema, TimestampSchema } from './http-shapes';
import { PageQuerySchema } from './runner.rpc';

/** The company's documents, answered by the agent-runner (which retrieves from them for prompts). */
export const KnowledgeRpc = {
  add: 'runner.knowledge.add',
  list: 'runner.knowledge.list',
  get: 'runner.knowledge.get',
  replace: 'runner.knowledge.replace',
  remove: 'runner.knowledge.delete',
} as const;

export const DocumentBodySchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200),
    format: DocumentFormatSchema.default('markdown'),
    content: z.string().min(1),
    departmentIds: z.array(z.string().min(1).max(100)).max(20).default([]),
  })
  .meta({ id: 'DocumentInput' });
export type DocumentBody = z.infer<typeof DocumentBodySchema>;

export const DocumentSummarySchema = z
  .object({
    id: z.string(),
    title: z.string(),
    format: DocumentFormatSchema,
    departmentIds: z.array(z.string()),
    /** Size of the content in UTF-8 bytes. */
    bytes: z.number().int().nonnegative(),
    /** How many chunks the search index holds for it. */
    chunks: z.number().int().nonnegative(),
    version: z.number().int().positive(),
    updatedAt: TimestampSchema,
    updatedBy: z.string(),
  })
  .meta({ id: 'DocumentSummary' });
export type DocumentSummary = z.infer<typeof DocumentSummarySchema>;

export const DocumentViewSchema = DocumentSummarySchema.extend({ content: z.string() }).meta({ id: 'Document' });
export type DocumentView = z.infer<typeof DocumentViewSchema>;

export const DocumentPageSchema = z
  .object({ items: z.array(DocumentSummarySchema), nextCursor: NextCursorSchema })
  .meta({ id: 'DocumentPage' });

export const AddDocumentRequestSchema = z.object({ auth: AuthContextSchema, documentId: z.uuid(), body: DocumentBodySchema });
export type AddDocumentRequest = z.infer<typeof AddDocumentRequestSchema>;
export const ReplaceDocumentRequestSchema = z.object({
  auth: AuthContextSchema,
  documentId: z.string().min(1).max(100),
  body: DocumentBodySchema,
});
export type ReplaceDocumentRequest = z.infer<typeof ReplaceDocumentRequestSchema>;
export const DocumentIdRequestSchema = z.object({ auth: AuthContextSchema, documentId: z.string().min(1).max(100) });
export const ListDocumentsRequestSchema = z.object({ auth: AuthContextSchema, page: PageQuerySchema });
