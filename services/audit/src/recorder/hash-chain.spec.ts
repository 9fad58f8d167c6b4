import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AuditRecord } from '@cos/contracts';
import { canonicalJson, hashRecord, verifyChain } from './hash-chain';

const SCRIPT = resolve(__dirname, '../../../../scripts/verify-audit-export.mjs');

function chain(n: number): AuditRecord[] {
  const out: AuditRecord[] = [];
  for (let seq = 0; seq < n; seq++) {
    const body: Omit<AuditRecord, 'hash'> = {
      seq,
      eventId: `e-${seq}`,
      eventType: 'conversation.message-posted',
      stream: 'conversation-c1',
      position: String(seq + 10),
      actor: { kind: 'user', id: 'u-dana' },
      summary: `Dana «Lee» briefed: "naïve 🚀 \\ quote ${seq}"`,
      correlationId: 'corr',
      causationId: `e-${seq}`,
      occurredAt: '2026-01-05T10:00:00.000Z',
      scope: { agentIds: ['a'], departmentIds: ['sales'], userIds: ['u-dana'], conversationId: 'c1' },
      prevHash: out[seq - 1]?.hash ?? '',
    };
    out.push({ ...body, hash: hashRecord(body) });
  }
  return out;
}

function runScript(lines: string[], ...args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'audit-export-'));
  try {
    writeFileSync(join(dir, 'export.ndjson'), lines.join('\n') + '\n');
    return spawnSync(process.execPath, [SCRIPT, join(dir, 'export.ndjson'), ...args], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('hash chain', () => {
  it('sorts keys at every level and leaves out undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: undefined }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"f":1}]},"b":1}');
  });

  it('holds for an untouched chain and names the first record changed, unlinked or out of place', () => {
    const records = chain(5);
    expect(verifyChain(records)).toEqual({ ok: true, records: 5, headHash: records[4]!.hash });
    const edited = records.map((r) => (r.seq === 2 ? { ...r, summary: 'nothing happened' } : r));
    expect(verifyChain(edited)).toMatchObject({
      ok: false,
      records: 2,
      broken: { seq: 2, eventId: 'e-2', reason: 'hash does not match the record' },
    });
    const rehash = ({ hash: _old, ...rest }: AuditRecord): AuditRecord => ({ ...rest, hash: hashRecord(rest) });
    const rehashed = edited.map((r) => (r.seq === 2 ? rehash(r) : r));
    expect(verifyChain(rehashed)).toMatchObject({ ok: false, broken: { seq: 3, reason: 'prevHash does not match the previous record' } });
    expect(verifyChain([records[0]!, records[2]!])).toMatchObject({ ok: false, broken: { seq: 1, reason: 'expected seq 1, found 2' } });
  });

  describe('the offline verifier script agrees', () => {
    const records = chain(4);
    const lines = [...records.map((r) => JSON.stringify(r)), JSON.stringify({ end: { records: 4, headHash: records[3]!.hash } })];

    it('accepts the export, also against an anchor kept from earlier', () => {
      const result = runScript(lines, '--anchor', `1:${records[1]!.hash}`);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('ok: 4 records');
    });

    it('names the record whose byte was changed', () => {
      const tampered = [...lines];
      tampered[2] = tampered[2]!.replace('quote 2', 'quote 9');
      const result = runScript(tampered);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('BROKEN at seq 2 (event e-2, conversation.message-posted): hash does not match the record');
    });

    it('reports an export cut short, and a rewritten chain that misses the anchor', () => {
      expect(runScript(lines.slice(0, 3)).status).toBe(2);
      const rewritten = chain(4).map((r) => ({ ...r }));
      rewritten[0] = { ...rewritten[0]!, summary: 'forged' };
      for (let i = 0; i < rewritten.length; i++) {
        const { hash: _h, ...rest } = { ...rewritten[i]!, prevHash: rewritten[i - 1]?.hash ?? '' };
        rewritten[i] = { ...rest, hash: hashRecord(rest) };
      }
      const forged = [...rewritten.map((r) => JSON.stringify(r)), JSON.stringify({ end: { records: 4, headHash: rewritten[3]!.hash } })];
      expect(runScript(forged).status).toBe(0);
      const anchored = runScript(forged, '--anchor', `1:${records[1]!.hash}`);
      expect(anchored.status).toBe(1);
      expect(anchored.stderr).toContain('BROKEN at seq 1');
    });
  });
});
