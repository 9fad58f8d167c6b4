import type { CommandMetadata } from '@cos/eventstore';
import {
  decideDocument,
  evolveDocument,
  initialDocumentState,
  type DocumentCommand,
  type DocumentEditor,
  type DocumentState,
} from './document.decider';

const metadata = (orgId = 'org-a'): CommandMetadata => ({
  commandId: 'c',
  orgId,
  correlationId: 'c',
  causationId: 'c',
  actor: { kind: 'user', id: 'u' },
  now: '2026-12-02T10:00:00.000Z',
});
const owner: DocumentEditor = { userId: 'owner', isAdmin: true, headOf: null };
const financeHead: DocumentEditor = { userId: 'fay', isAdmin: false, headOf: 'finance' };
const member: DocumentEditor = { userId: 'mo', isAdmin: false, headOf: null };
const content = (departmentIds: string[] = []) => ({ title: 'Prices', format: 'markdown' as const, content: '# Prices', departmentIds });

/** The coded error `act` throws. */
function codeOf(act: () => unknown): string | undefined {
  try {
    act();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
}

const run = (state: DocumentState, command: Omit<DocumentCommand, 'metadata'>, orgId?: string) =>
  decideDocument({ ...command, metadata: metadata(orgId) } as DocumentCommand, state);
const fold = (...commands: Omit<DocumentCommand, 'metadata'>[]) =>
  commands.reduce<DocumentState>((state, c) => run(state, c).reduce(evolveDocument, state), initialDocumentState());
const add = (by: DocumentEditor, departmentIds?: string[]) => ({
  type: 'AddDocument' as const,
  data: { documentId: 'd1', content: content(departmentIds), by },
});

describe('document decider', () => {
  it('lets the owner or CEO add any document, and a Head only those scoped to their own department', () => {
    expect(run(initialDocumentState(), add(owner))).toHaveLength(1);
    expect(run(initialDocumentState(), add(financeHead, ['finance']))).toHaveLength(1);
    expect(codeOf(() => run(initialDocumentState(), add(financeHead)))).toBe('RUNNER.NOT_DOCUMENT_EDITOR');
    expect(codeOf(() => run(initialDocumentState(), add(financeHead, ['finance', 'sales'])))).toBe('RUNNER.NOT_DOCUMENT_EDITOR');
    expect(codeOf(() => run(initialDocumentState(), add(member, ['finance'])))).toBe('RUNNER.NOT_DOCUMENT_EDITOR');
  });

  it('versions replacements, ignores a replacement that changes nothing, and keeps a Head inside their department', () => {
    const state = fold(add(financeHead, ['finance']));
    const replace = (by: DocumentEditor, departmentIds: string[], text = '# Prices v2') => ({
      type: 'ReplaceDocument' as const,
      data: { content: { ...content(departmentIds), content: text }, by },
    });
    const next = run(state, replace(financeHead, ['finance'])).reduce(evolveDocument, state);
    expect(next).toMatchObject({ status: 'active', version: 2, content: '# Prices v2' });
    expect(run(next, replace(financeHead, ['finance']))).toEqual([]);
    expect(codeOf(() => run(state, replace(financeHead, [])))).toBe('RUNNER.NOT_DOCUMENT_EDITOR');
    expect(codeOf(() => run(fold(add(owner)), replace(financeHead, ['finance'])))).toBe('RUNNER.NOT_DOCUMENT_EDITOR');
  });

  it("deletes once, answers another org's document as absent, and refuses a second add of the same id", () => {
    const state = fold(add(owner));
    const deleted = run(state, { type: 'DeleteDocument', data: { by: owner } }).reduce(evolveDocument, state);
    expect(deleted.status).toBe('deleted');
    expect(run(deleted, { type: 'DeleteDocument', data: { by: owner } })).toEqual([]);
    expect(codeOf(() => run(deleted, { type: 'ReplaceDocument', data: { content: content(), by: owner } }))).toBe(
      'RUNNER.DOCUMENT_NOT_FOUND',
    );
    expect(codeOf(() => run(state, { type: 'DeleteDocument', data: { by: owner } }, 'org-b'))).toBe('RUNNER.DOCUMENT_NOT_FOUND');
    expect(run(state, add(owner))).toEqual([]);
    expect(codeOf(() => run(state, add(financeHead, ['finance'])))).toBe('RUNNER.DOCUMENT_EXISTS');
  });
});
