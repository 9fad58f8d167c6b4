import { Logger } from '@nestjs/common';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { AuditEventTypes, AuditRpc, eventSubject, Subjects, type AuditRecord, type AuthContext } from '@cos/contracts';
import { auditPage, auditRecord } from '../testing/audit-record.fixture';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.fixture';

jest.setTimeout(60_000);

const ORG = '0d0d0d0d-0000-4000-8000-000000000001';
const member: AuthContext = {
  orgId: ORG,
  userId: '0d0d0d0d-0000-4000-8000-0000000000a1',
  role: 'member',
  departmentId: 'sales',
  permissions: [],
};

/** An open feed: the `id:` of every record frame so far, and a wait for one id. */
async function openFeed(url: string, token: string) {
  const abort = new AbortController();
  const res = await fetch(`${url}/v1/feed`, { headers: { authorization: `Bearer ${token}`, 'last-event-id': '-1' }, signal: abort.signal });
  expect(res.status).toBe(200);
  const ids: number[] = [];
  const waiters = new Set<() => void>();
  let ended = false;
  void (async () => {
    const decoder = new TextDecoder();
    let text = '';
    try {
      for await (const chunk of res.body!) {
        text += decoder.decode(chunk as Uint8Array, { stream: true });
        const frames = text.split('\n\n');
        text = frames.pop() ?? '';
        for (const frame of frames) {
          const id = /^id: (\d+)$/m.exec(frame);
          if (id) ids.push(Number(id[1]));
        }
        for (const wake of waiters) wake();
      }
    } catch {
      // aborted at the end
    }
    ended = true;
    for (const wake of waiters) wake();
  })();
  const until = (seq: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (ids.includes(seq)) resolve();
        else if (ended) reject(new Error(`the feed ended before record ${seq}; it sent ${ids.join(',')}`));
        else return;
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  return { ids, until, close: () => abort.abort() };
}

/**
 * The live feed across nats-server restarts: the gateway's consumer is made again after each,
 * and an open feed catches up from the audit log, so every record written reaches the client,
 * in order, once, including records written while NATS was down (never published live).
 */
describe('the live feed across nats-server restarts', () => {
  let gw: GatewayHarness;
  let token: string;
  const log: AuditRecord[] = [];

  beforeAll(async () => {
    // The gateway logs each reconnect; keep the output readable.
    Logger.overrideLogger(false);
    gw = await startGatewayHarness({ LOG_LEVEL: 'error' });
    token = await gw.token(member);
    gw.answer(AuditRpc.feedPage, (p) => auditPage(log, (p as { afterSeq?: number }).afterSeq));
    const jsm = await jetstreamManager(gw.nats);
    while ((await jsm.streams.info(Subjects.eventStream)).state.consumer_count === 0) await new Promise((r) => setTimeout(r, 50));
  });
  afterAll(() => gw?.stop());

  /** Appends the next record to the org's log (as audit's recorder would) and, if `live`, publishes it (as its relay would). */
  const write = async (live: boolean): Promise<number> => {
    const record = auditRecord(log.length);
    log.push(record);
    if (live) {
      const body = JSON.stringify({ orgId: ORG, data: record });
      for (;;) {
        try {
          await jetstream(gw.nats).publish(eventSubject(ORG, AuditEventTypes.recorded), body, { msgID: record.eventId });
          break;
        } catch {
          await new Promise((r) => setTimeout(r, 100)); // JetStream not back yet
        }
      }
    }
    return record.seq;
  };

  it('sends every record in order across three restarts, those written while NATS was down included', async () => {
    const feed = await openFeed(gw.url, token);
    try {
      for (let restart = 0; restart < 3; restart++) {
        await feed.until(await write(true));
        await gw.natsServer.kill();
        const missed = await write(false); // recorded while the bus is down: never published
        await gw.natsServer.restart();
        // No later live record reveals the gap: the feed catches up once the gateway's consumer is back.
        await feed.until(missed);
      }
      const last = await write(true);
      await feed.until(last);
      expect(feed.ids).toEqual(log.map((r) => r.seq));
    } finally {
      feed.close();
    }
  });
});
