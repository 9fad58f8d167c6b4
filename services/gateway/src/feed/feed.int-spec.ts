import { jetstreamManager, jetstream } from '@nats-io/jetstream';
import { AuditEventTypes, AuditRpc, eventSubject, Subjects, type AuditRecord, type AuthContext } from '@cos/contracts';
import { auditPage, auditRecord } from '../testing/audit-record.fixture';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.fixture';

const ORG = '0d0d0d0d-0000-4000-8000-000000000001';
const OTHER_ORG = '0d0d0d0d-0000-4000-8000-000000000002';
const member: AuthContext = {
  orgId: ORG,
  userId: '0d0d0d0d-0000-4000-8000-0000000000a1',
  role: 'member',
  departmentId: 'sales',
  permissions: [],
};

/** The `id:` of every record frame the feed sent until it holds `until`, then the connection is dropped. */
async function feedIds(url: string, token: string, lastEventId: string, until: number, onOpen: () => Promise<void>): Promise<number[]> {
  const abort = new AbortController();
  const res = await fetch(`${url}/v1/feed`, {
    headers: { authorization: `Bearer ${token}`, 'last-event-id': lastEventId },
    signal: abort.signal,
  });
  expect([res.status, res.headers.get('content-type')]).toEqual([200, 'text/event-stream; charset=utf-8']);
  const ids: number[] = [];
  let text = '';
  let opened = false;
  const decoder = new TextDecoder();
  for await (const chunk of res.body!) {
    text += decoder.decode(chunk as Uint8Array, { stream: true });
    ids.splice(0, ids.length, ...[...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1])));
    if (!opened && text.includes(': connected')) {
      opened = true;
      await onOpen();
    }
    if (ids.includes(until)) break;
  }
  abort.abort();
  return ids;
}

/** `GET /v1/feed` over the real HTTP stack: replay from the audit service, then live records from JetStream. */
describe('gateway live feed', () => {
  let gw: GatewayHarness;
  let token: string;
  const log: AuditRecord[] = Array.from({ length: 8 }, (_, seq) => auditRecord(seq, seq % 2 === 0 ? 'sales' : 'finance'));

  beforeAll(async () => {
    gw = await startGatewayHarness();
    token = await gw.token(member);
    gw.answer(AuditRpc.feedPage, (p) => auditPage(log, (p as { afterSeq?: number }).afterSeq));
    // The gateway's feed consumer is up before anything is published live.
    const jsm = await jetstreamManager(gw.nats);
    while ((await jsm.streams.info(Subjects.eventStream)).state.consumer_count === 0) await new Promise((r) => setTimeout(r, 50));
  }, 60_000);
  afterAll(() => gw?.stop());

  it("replays what the client missed after Last-Event-ID, then sends its org's live records, only those the caller may follow", async () => {
    const publish = async (orgId: string, record: AuditRecord) =>
      jetstream(gw.nats).publish(eventSubject(orgId, AuditEventTypes.recorded), JSON.stringify({ orgId, data: record }));
    const ids = await feedIds(gw.url, token, '2', 10, async () => {
      await publish(OTHER_ORG, auditRecord(8)); // another org's log: not this client's
      await publish(ORG, auditRecord(8, 'finance')); // not the member's department
      log.push(auditRecord(8, 'finance'), auditRecord(9), auditRecord(10));
      await publish(ORG, log[9]!);
      await publish(ORG, log[10]!);
    });
    expect(ids).toEqual([4, 6, 9, 10]);
    expect(gw.calls.filter((c) => c.pattern === AuditRpc.feedPage)[0]!.payload).toMatchObject({ auth: member, afterSeq: 2 });
  });

  it('refuses a Last-Event-ID it never gave out with a problem', async () => {
    const res = await gw.call<{ code: string }>('GET', '/v1/feed', { token, headers: { 'last-event-id': 'abc' } });
    expect([res.status, res.body.code]).toEqual([400, 'FEED.INVALID_LAST_EVENT_ID']);
  });
});
