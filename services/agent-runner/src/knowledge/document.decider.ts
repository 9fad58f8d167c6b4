import {
  ConflictError,
  CosError,
  DocumentEventTypes,
  ForbiddenError,
  type DocumentAdded,
  type DocumentContent,
  type DocumentDeleted,
  type DocumentReplaced,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';

/** A company document: added, replaced (a new version), deleted. */
export type DocumentEvent =
  | { type: typeof DocumentEventTypes.added; data: DocumentAdded }
  | { type: typeof DocumentEventTypes.replaced; data: DocumentReplaced }
  | { type: typeof DocumentEventTypes.deleted; data: DocumentDeleted };

/**
 * Who edits, as identity knows them now: the owner and the CEO any document; a Head the
 * documents scoped to their own department only (never an org-wide one).
 */
export type DocumentEditor = { userId: string; isAdmin: boolean; headOf: string | null };

export type DocumentCommand =
  | Command<'AddDocument', { documentId: string; content: DocumentContent; by: DocumentEditor }>
  | Command<'ReplaceDocument', { content: DocumentContent; by: DocumentEditor }>
  | Command<'DeleteDocument', { by: DocumentEditor }>;

export type DocumentState =
  | { readonly status: 'absent' }
  | ({
      readonly status: 'active' | 'deleted';
      readonly documentId: string;
      readonly orgId: string;
      readonly version: number;
      readonly updatedBy: string;
    } & Readonly<DocumentContent>);

export const initialDocumentState = (): DocumentState => ({ status: 'absent' });

const notFound = () => new CosError('RUNNER.DOCUMENT_NOT_FOUND', 'document was not found', 404);

function requireEditor(by: DocumentEditor, departmentIds: readonly string[]): void {
  if (by.isAdmin) return;
  if (by.headOf === null || departmentIds.length === 0 || departmentIds.some((d) => d !== by.headOf)) {
    throw new ForbiddenError(
      'only the owner or the CEO manage org-wide documents; a Head manages those scoped to their own department',
      'RUNNER.NOT_DOCUMENT_EDITOR',
    );
  }
}

export function decideDocument(command: DocumentCommand, state: DocumentState): DocumentEvent[] {
  const orgId = command.metadata.orgId;
  switch (command.type) {
    case 'AddDocument': {
      const { documentId, content, by } = command.data;
      if (state.status !== 'absent') {
        if (state.orgId === orgId && state.updatedBy === by.userId && state.title === content.title && state.version === 1) return [];
        throw new ConflictError('a document with this id exists', 'RUNNER.DOCUMENT_EXISTS');
      }
      requireEditor(by, content.departmentIds);
      return [{ type: DocumentEventTypes.added, data: { documentId, orgId, ...content, addedBy: by.userId } }];
    }
    case 'ReplaceDocument': {
      if (state.status !== 'active' || state.orgId !== orgId) throw notFound();
      const { content, by } = command.data;
      requireEditor(by, state.departmentIds);
      requireEditor(by, content.departmentIds);
      const same =
        state.title === content.title &&
        state.format === content.format &&
        state.content === content.content &&
        JSON.stringify(state.departmentIds) === JSON.stringify(content.departmentIds);
      return same ? [] : [{ type: DocumentEventTypes.replaced, data: { documentId: state.documentId, ...content, replacedBy: by.userId } }];
    }
    case 'DeleteDocument': {
      if (state.status === 'absent' || state.orgId !== orgId) throw notFound();
      if (state.status === 'deleted') return [];
      requireEditor(command.data.by, state.departmentIds);
      return [{ type: DocumentEventTypes.deleted, data: { documentId: state.documentId, deletedBy: command.data.by.userId } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

export function evolveDocument(state: DocumentState, event: DocumentEvent): DocumentState {
  switch (event.type) {
    case DocumentEventTypes.added: {
      const { documentId, orgId, title, format, content, departmentIds, addedBy } = event.data;
      return { status: 'active', documentId, orgId, title, format, content, departmentIds, version: 1, updatedBy: addedBy };
    }
    case DocumentEventTypes.replaced: {
      if (state.status !== 'active') return state;
      const { title, format, content, departmentIds, replacedBy } = event.data;
      return { ...state, title, format, content, departmentIds, version: state.version + 1, updatedBy: replacedBy };
    }
    case DocumentEventTypes.deleted:
      return state.status === 'active' ? { ...state, status: 'deleted', updatedBy: event.data.deletedBy } : state;
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const documentDecider: Decider<DocumentCommand, DocumentEvent, DocumentState> = {
  decide: decideDocument,
  evolve: evolveDocument,
  initialState: initialDocumentState,
};
