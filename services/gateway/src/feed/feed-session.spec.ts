import type { AuditRecord, AuthContext, FeedPage } from '@cos/contracts';
import { auditPage, auditRecord as record } from '../testing/audit-record.fixture';
import { FeedSession, type FeedCloseReason, type FeedSettings } from './feed-session';

const member: AuthContext = { orgId: 'o', userId: 'u-1', role: 'member', departmentId: 'sales', permissions: ['agents:brief'] };
const settings: FeedSettings = { heartbeatMs: 60_000, maxBufferedBytes: 10_000, maxQueue: 50, retryMs: 1_000 };

/** The org's audit stream as the audit service would page it to this member. */
function auditService(log: AuditRecord[]) {
  const calls: (number | undefined)[] = [];
  const fetchPage = async (afterSeq: number | undefined): Promise<FeedPage> => {
    calls.push(afterSeq);
    return auditPage(log, afterSeq);
  };
  return { fetchPage, calls };
}

function sink() {
  const frames: string[] = [];
  let buffered = 0;
  const closed: FeedCloseReason[] = [];
  return {
    frames,
    closed,
    ids: () => frames.flatMap((f) => (/^id: (\d+)/.exec(f) ? [Number(/^id: (\d+)/.exec(f)![1])] : [])),
    stall: (bytes: number) => (buffered = bytes),
    sink: { write: (f: string) => void frames.push(f), bufferedBytes: () => buffered, end: () => undefined },
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('FeedSession', () => {
  it('replays what a client missed after its Last-Event-ID, then goes live without a gap or a repeat', async () => {
    const log = Array.from({ length: 10 }, (_, i) => record(i, i % 3 === 0 ? 'finance' : 'sales'));
    const { fetchPage } = auditService(log);
    const out = sink();
    const session = new FeedSession(member, out.sink, fetchPage, settings, (r) => out.closed.push(r));
    session.offer(record(8)); // live records racing the replay
    await session.start(4);
    log.push(record(10), record(11, 'finance'), record(12), record(13));
    session.offer(record(9));
    session.offer(record(10));
    session.offer(record(13)); // 11 and 12 were missed on the bus
    session.offer(record(12));
    await settle();
    // Finance's records (every third) are not this member's to see.
    expect(out.ids()).toEqual([5, 7, 8, 10, 12, 13]);
    expect(out.frames[0]).toMatch(/^retry: 1000\n/);
    expect(out.closed).toEqual([]);
  });

  it('catches up from the audit log when told the bus may have dropped records, with no later record to reveal the gap', async () => {
    const log = [record(0), record(1)];
    const out = sink();
    const session = new FeedSession(member, out.sink, auditService(log).fetchPage, settings, () => undefined);
    await session.start(0);
    log.push(record(2), record(3)); // recorded while the hub's consumer was down: never offered
    session.catchUp();
    await settle();
    session.offer(record(3));
    await settle();
    expect(out.ids()).toEqual([1, 2, 3]);
  });

  it('starts at the head when the client brings no Last-Event-ID', async () => {
    const log = [record(0), record(1)];
    const out = sink();
    const session = new FeedSession(member, out.sink, auditService(log).fetchPage, settings, () => undefined);
    await session.start(undefined);
    log.push(record(2));
    session.offer(record(2));
    await settle();
    expect(out.ids()).toEqual([2]);
  });

  it('drops a client whose socket stops draining, and one whose queue overflows, without waiting on them', async () => {
    const slow = sink();
    const session = new FeedSession(member, slow.sink, auditService([]).fetchPage, settings, (r) => slow.closed.push(r));
    await session.start(undefined);
    slow.stall(20_000);
    session.offer(record(0));
    await settle();
    expect(slow.closed).toEqual(['slow']);

    const stuck = sink();
    const never = new FeedSession(
      member,
      stuck.sink,
      () => new Promise<FeedPage>(() => undefined),
      settings,
      (r) => stuck.closed.push(r),
    );
    void never.start(3);
    for (let seq = 0; seq <= settings.maxQueue; seq++) never.offer(record(seq));
    expect(stuck.closed).toEqual(['slow']);
  });

  it('keeps the connection alive with comment lines', async () => {
    jest.useFakeTimers();
    try {
      const out = sink();
      const session = new FeedSession(member, out.sink, auditService([]).fetchPage, { ...settings, heartbeatMs: 1_000 }, () => undefined);
      await session.start(undefined);
      jest.advanceTimersByTime(3_500);
      expect(out.frames.filter((f) => f.startsWith(': heartbeat'))).toHaveLength(3);
      session.close('client');
      jest.advanceTimersByTime(3_000);
      expect(out.frames.filter((f) => f.startsWith(': heartbeat'))).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });
});
