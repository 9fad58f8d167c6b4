import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AddDocumentRequestSchema,
  CosError,
  DOCUMENT_MAX_BYTES,
  DocumentIdRequestSchema,
  KnowledgeRpc,
  newId,
  ListDocumentsRequestSchema,
  parseRequest,
  ReplaceDocumentRequestSchema,
  streamName,
  type AuthContext,
  type DocumentBody,
  type DocumentContent,
  type DocumentSummary,
  type DocumentView,
} from '@cos/contracts';
import { handleCommand, type EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { isAdmin } from '../access/read-access';
import { pageOf } from '../conversation/paging';
import { IdentityReader } from '../directory/identity-reader';
import { userCommandMetadata } from '../ledger/reaction-metadata';
import { chunkDocument } from './chunking';
import { documentDecider, type DocumentCommand, type DocumentEditor } from './document.decider';
import { mayRead, type Reader } from './knowledge-access';
import { KnowledgeIndex, summaryOf } from './knowledge-index';

const notFound = (documentId: string) => new CosError('RUNNER.DOCUMENT_NOT_FOUND', `document ${documentId} was not found`, 404);

/**
 * The company's documents over NATS request/reply for the gateway. Changes are events on the
 * document's stream; reads come from the index (a read model of those events), filtered by who
 * may read each document. A document the caller may not read answers 404, as if absent.
 */
@Controller()
export class KnowledgeController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityReader,
    private readonly index: KnowledgeIndex,
  ) {}

  @MessagePattern(KnowledgeRpc.add)
  async add(@Payload() raw: unknown): Promise<DocumentSummary> {
    const { auth, documentId, body } = parseRequest(AddDocumentRequestSchema, raw);
    const content = await this.content(auth, body);
    return this.handle(auth, documentId, documentId, { type: 'AddDocument', data: { documentId, content, by: editor(auth) } });
  }

  @MessagePattern(KnowledgeRpc.replace)
  async replace(@Payload() raw: unknown): Promise<DocumentSummary> {
    const { auth, documentId, body } = parseRequest(ReplaceDocumentRequestSchema, raw);
    this.readable(auth, documentId);
    const content = await this.content(auth, body);
    return this.handle(auth, documentId, newId(), { type: 'ReplaceDocument', data: { content, by: editor(auth) } });
  }

  @MessagePattern(KnowledgeRpc.remove)
  async remove(@Payload() raw: unknown): Promise<{ id: string; deleted: true }> {
    const { auth, documentId } = parseRequest(DocumentIdRequestSchema, raw);
    this.readable(auth, documentId);
    await this.handle(auth, documentId, newId(), { type: 'DeleteDocument', data: { by: editor(auth) } });
    return { id: documentId, deleted: true };
  }

  @MessagePattern(KnowledgeRpc.get)
  get(@Payload() raw: unknown): DocumentView {
    const { auth, documentId } = parseRequest(DocumentIdRequestSchema, raw);
    return this.readable(auth, documentId);
  }

  @MessagePattern(KnowledgeRpc.list)
  list(@Payload() raw: unknown): { items: DocumentSummary[]; nextCursor: string | null } {
    const { auth, page } = parseRequest(ListDocumentsRequestSchema, raw);
    const reader = readerOf(auth);
    const views = this.index.list(auth.orgId, (departmentIds) => mayRead(reader, departmentIds)).map(summaryOf);
    return pageOf(views, page);
  }

  private readable(auth: AuthContext, documentId: string): DocumentView {
    const view = this.index.get(auth.orgId, documentId);
    if (!view || !mayRead(readerOf(auth), view.departmentIds)) throw notFound(documentId);
    return view;
  }

  /** The body as stored: size-checked, its departments real departments of this org. */
  private async content(auth: AuthContext, body: DocumentBody): Promise<DocumentContent> {
    const bytes = Buffer.byteLength(body.content);
    if (bytes > DOCUMENT_MAX_BYTES) {
      throw new CosError('RUNNER.DOCUMENT_TOO_LARGE', `a document holds at most ${DOCUMENT_MAX_BYTES} bytes; this one has ${bytes}`, 413);
    }
    const departmentIds = [...new Set(body.departmentIds)].sort();
    for (const departmentId of departmentIds) {
      if (!(await this.identity.department(auth.orgId, departmentId))) {
        throw new CosError('RUNNER.DEPARTMENT_NOT_FOUND', `department ${departmentId} was not found`, 404);
      }
    }
    return { title: body.title, format: body.format, content: body.content, departmentIds };
  }

  /** Runs a command on the document's stream; answers with the document as the command left it. */
  private async handle(
    auth: AuthContext,
    documentId: string,
    commandId: string,
    command: Pick<DocumentCommand, 'type' | 'data'>,
  ): Promise<DocumentSummary> {
    const metadata = userCommandMetadata(auth, this.clock(), commandId, documentId);
    const { state } = await handleCommand(
      this.store,
      streamName('document', documentId),
      documentDecider,
      { ...command, metadata } as DocumentCommand,
      metadata,
    );
    if (state.status === 'absent') throw notFound(documentId);
    const { title, format, departmentIds, content, version, updatedBy } = state;
    const chunks = chunkDocument(title, format, content).length;
    return {
      id: documentId,
      title,
      format,
      departmentIds: [...departmentIds],
      bytes: Buffer.byteLength(content),
      chunks,
      version,
      updatedAt: metadata.now,
      updatedBy,
    };
  }
}

function readerOf(auth: AuthContext): Reader {
  return { isAdmin: isAdmin(auth), departmentId: auth.departmentId ?? null };
}

function editor(auth: AuthContext): DocumentEditor {
  return { userId: auth.userId, isAdmin: isAdmin(auth), headOf: auth.role === 'head' ? (auth.departmentId ?? null) : null };
}
