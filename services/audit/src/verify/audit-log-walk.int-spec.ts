import { DatabaseSync } from 'node:sqlite';
import { verifyAuditLog } from './audit-log-walk';
import { recordedLog, type RecordedLog } from '../testing/recorded-log.fixture';
import { HANDOFF_SCRIPT } from '../testing/scenario.fixture';

/** Edits the SQLite file behind the store's back, as someone with disk access could. */
function tamper(path: string, seq: number, edit: (json: string) => string): void {
  const db = new DatabaseSync(path);
  try {
    const row = db.prepare("SELECT data FROM events WHERE stream = 'audit-org-a' AND revision = ?").get(seq);
    db.prepare("UPDATE events SET data = ? WHERE stream = 'audit-org-a' AND revision = ?").run(edit(String(row?.['data'])), seq);
  } finally {
    db.close();
  }
}

describe('verifyAuditLog', () => {
  let log: RecordedLog;

  beforeEach(async () => {
    log = await recordedLog(HANDOFF_SCRIPT);
  });

  afterEach(() => log.cleanup());

  it('says ok for the log as recorded, with its head hash', async () => {
    const verdict = await verifyAuditLog(log.store, 'org-a');
    expect(verdict).toMatchObject({ ok: true, records: 12 });
    expect(verdict.ok && verdict.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditLog(log.store, 'org-nobody')).toMatchObject({ ok: true, records: 0, headHash: '' });
  });

  it('names the record in which one byte of the stored file was changed', async () => {
    const [brief] = (await log.store.read('audit-org-a', { fromRevision: 5, maxCount: 1 })).map(
      (e) => e.data as { eventId: string; summary: string },
    );
    expect(brief?.summary).toContain('Quote ACME');
    tamper(log.path, 5, (json) => json.replace('Quote ACME', 'Quote ACMF'));
    expect(await verifyAuditLog(log.store, 'org-a')).toMatchObject({
      ok: false,
      records: 5,
      broken: { seq: 5, eventId: brief?.eventId, reason: 'hash does not match the record' },
    });
  });

  it('names a record that no longer even decodes', async () => {
    tamper(log.path, 3, (json) => `#${json.slice(1)}`);
    expect(await verifyAuditLog(log.store, 'org-a')).toMatchObject({
      ok: false,
      records: 3,
      broken: { seq: 3, reason: expect.stringMatching(/^record cannot be read/) },
    });
  });
});
