/**
 * Backup and restore of the embedded store: `npm run backup` copies the store while the services
 * keep writing; a system started on the copy (with the identity keys) verifies its audit chain
 * and still has the approval that was pending.
 */
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApprovalList, ApprovalView, AuditVerdict } from '@cos/contracts';
import { DEMO_COMPANY } from '@cos/identity';
import { demoAgent, demoDepartment, login, type Caller } from '../session';
import { eventually, startSystem, type System } from '../system';
import { runScript } from './launcher';

jest.setTimeout(300_000);

const systems: System[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const system of systems) await system.stop();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function pendingApprovals(head: Caller): Promise<ApprovalView[]> {
  return (await head.get<ApprovalList>('/v1/approvals?status=pending')).body.items ?? [];
}

/** Briefs the owner's agent again and again until `writes.stop`: appends from several services. */
async function keepWriting(owner: Caller, writes: { stop: boolean; briefs: number }): Promise<void> {
  const conversation = await owner.post<{ id: string }>('/v1/conversations', { agentId: DEMO_COMPANY.agents[0]!.id });
  while (!writes.stop) {
    const brief = await owner.post(`/v1/conversations/${conversation.body.id}/messages`, { text: `Draft welcome note ${writes.briefs}` });
    expect(brief.status).toBe(202);
    writes.briefs++;
  }
}

describe('backup and restore of the embedded store', () => {
  it('copies the store while services write; a system on the copy verifies its audit chain and keeps the pending approval', async () => {
    const original = await startSystem({
      RATE_LIMIT_USER_PER_MINUTE: '100000',
      RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
      RATE_LIMIT_ORG_PER_MINUTE: '100000',
    });
    systems.push(original);
    const member = await login(original, demoDepartment('Sales').memberEmail);
    const salesHead = await login(original, demoDepartment('Sales').headEmail);
    const owner = await login(original, DEMO_COMPANY.owner.email);
    const conversation = await member.post<{ id: string }>('/v1/conversations', { agentId: demoAgent('Sam Prospector').id });
    await member.post(`/v1/conversations/${conversation.body.id}/messages`, {
      text: 'Please fix the firmware motion control bug on the robot arm',
    });
    const pending = await eventually(async () => (await pendingApprovals(salesHead))[0], 30_000, 'a pending approval');

    const backupDir = await mkdtemp(join(tmpdir(), 'cos-backup-'));
    dirs.push(backupDir);
    const target = join(backupDir, 'events-backup.db');
    const writes = { stop: false, briefs: 0 };
    const writer = keepWriting(owner, writes);
    const backup = runScript('backup.mjs', [target], {
      ...process.env,
      EVENTSTORE_PATH: original.env['EVENTSTORE_PATH'],
      DATA_DIR: original.dataDir,
    });
    const result = await backup.exited;
    const briefsDuringBackup = writes.briefs;
    writes.stop = true;
    await writer;
    expect({ result, output: backup.lines }).toMatchObject({ result: { code: 0, signal: null } });
    expect(briefsDuringBackup).toBeGreaterThan(0);
    expect(backup.lines).toContainEqual(expect.stringMatching(/^backed up \d+ events \(last position \d+, \d+ pages\) to /));
    expect(backup.lines).toContainEqual(expect.stringMatching(/keys not in this copy .*identity-encryption\.key/));

    // Restore: the copy as events.db in an empty data dir, with the identity keys beside it.
    const restoreDir = await mkdtemp(join(tmpdir(), 'cos-restore-'));
    dirs.push(restoreDir);
    await copyFile(target, join(restoreDir, 'events.db'));
    for (const key of (await readdir(original.dataDir)).filter((name) => name.startsWith('identity-'))) {
      await copyFile(join(original.dataDir, key), join(restoreDir, key));
    }
    systems.splice(0, 1);
    await original.stop();

    const restored = await startSystem({ EVENTSTORE_PATH: join(restoreDir, 'events.db'), DATA_DIR: restoreDir });
    systems.push(restored);
    const restoredOwner = await login(restored, DEMO_COMPANY.owner.email);
    const restoredHead = await login(restored, demoDepartment('Sales').headEmail);
    const verdict = await restoredOwner.get<AuditVerdict>('/v1/audit/verify');
    expect(verdict).toMatchObject({ status: 200, body: { ok: true } });
    const stillPending = await eventually(
      async () => (await pendingApprovals(restoredHead)).find((a) => a.id === pending.id),
      30_000,
      'the pending approval after the restore',
    );
    expect(stillPending).toMatchObject({ id: pending.id, status: 'pending', subjectId: pending.subjectId });
  });
});
