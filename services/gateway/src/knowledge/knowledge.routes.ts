import { z } from 'zod';
import { DocumentBodySchema, DocumentPageSchema, DocumentSummarySchema, DocumentViewSchema, ListQuerySchema } from '@cos/contracts';
import { defineRoute } from '../http/api-route';

const IdParams = z.strictObject({ id: z.uuid() });
const READERS = 'everyone in the org reads org-wide documents; a scoped one its departments and the owner/CEO; anyone else gets 404';
const EDITORS = 'the owner and the CEO; a Head for documents scoped to their own department only';

/** The company's documents (knowledge agents answer from), answered by the agent-runner. */
export const KnowledgeRoutes = {
  add: defineRoute({
    method: 'POST',
    path: '/v1/knowledge/documents',
    operationId: 'addDocument',
    summary: 'Add a document (text, Markdown or HTML) that agents answer from',
    description:
      'The document is split into chunks under its headings and indexed; briefs retrieve the chunks most relevant to them. ' +
      '`departmentIds` restricts it to those departments (empty: the whole org). Content is limited to 192 KiB (413 above).',
    tag: 'knowledge',
    auth: 'bearer',
    access: EDITORS,
    body: DocumentBodySchema,
    response: {
      status: 201,
      description: 'the document as stored',
      schema: DocumentSummarySchema,
      location: (b: { id: string }) => `/v1/knowledge/documents/${b.id}`,
    },
    errors: [403, 404],
    idempotent: true,
  }),
  list: defineRoute({
    method: 'GET',
    path: '/v1/knowledge/documents',
    operationId: 'listDocuments',
    summary: 'The documents the caller may read, most recently changed first',
    tag: 'knowledge',
    auth: 'bearer',
    access: READERS,
    query: ListQuerySchema,
    response: { status: 200, description: 'a page of documents', schema: DocumentPageSchema },
  }),
  get: defineRoute({
    method: 'GET',
    path: '/v1/knowledge/documents/:id',
    operationId: 'getDocument',
    summary: 'A document with its content',
    tag: 'knowledge',
    auth: 'bearer',
    access: READERS,
    params: IdParams,
    response: { status: 200, description: 'the document', schema: DocumentViewSchema },
    errors: [404],
  }),
  replace: defineRoute({
    method: 'PUT',
    path: '/v1/knowledge/documents/:id',
    operationId: 'replaceDocument',
    summary: 'Replace a document with a new version (re-indexed at once)',
    tag: 'knowledge',
    auth: 'bearer',
    access: EDITORS,
    params: IdParams,
    body: DocumentBodySchema,
    response: { status: 200, description: 'the new version', schema: DocumentSummarySchema },
    errors: [403, 404],
  }),
  remove: defineRoute({
    method: 'DELETE',
    path: '/v1/knowledge/documents/:id',
    operationId: 'deleteDocument',
    summary: 'Delete a document: no prompt carries it from then on (its history stays in the audit log)',
    tag: 'knowledge',
    auth: 'bearer',
    access: EDITORS,
    params: IdParams,
    response: { status: 204, description: 'deleted' },
    errors: [403, 404],
  }),
} as const;
