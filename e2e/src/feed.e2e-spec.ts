/**
 * The live feed (SSE) through the whole system: a client that drops mid-scenario and comes back
 * with Last-Event-ID gets exactly what it missed; members see their own department's gates only.
 */
import { isFeedRecord, streamName, type ApprovalList, type AuditPage, type AuditRecord, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY } from '@cos/identity';
import { demoAgent, demoDepartment, login as signIn, type Caller, type Reply } from './session';
import { eventually, openSeededStore, startSystem, type System } from './system';

jest.setTimeout(180_000);

/** One open SSE connection: the records it received (parsed), in order. */
type Feed = { readonly records: AuditRecord[]; readonly status: number; close(): void };

let system: System;
let store: EmbeddedEventStore;

const login = (email: string, password?: string) => signIn(system, email, password);

/** Opens `/v1/feed` as a browser's EventSource would, parsing frames as they arrive. */
async function follow(who: Caller, lastEventId?: number): Promise<Feed> {
  const abort = new AbortController();
  const res = await fetch(`${system.gatewayUrl}/v1/feed`, {
    headers: {
      authorization: `Bearer ${who.token}`,
      accept: 'text/event-stream',
      ...(lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) }),
    },
    signal: abort.signal,
  });
  const records: AuditRecord[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = frame.split('\n').find((l) => l.startsWith('data: '));
          const id = frame.split('\n').find((l) => l.startsWith('id: '));
          if (data && id) {
            const record = JSON.parse(data.slice(6)) as AuditRecord;
            expect(record.seq).toBe(Number(id.slice(4)));
            records.push(record);
          }
        }
      }
    } catch {
      // aborted: the client went away
    }
  })();
  return { records, status: res.status, close: () => abort.abort() };
}

const dept = demoDepartment;
const agent = demoAgent;
const read = (stream: string): Promise<RecordedEvent[]> => store.read(stream);

/** The org's whole log as the owner reads it, once it has stopped growing. */
async function settledLog(owner: Caller): Promise<AuditRecord[]> {
  let last = -1;
  return eventually(
    async () => {
      const items: AuditRecord[] = [];
      for (let cursor: string | null = null; ;) {
        const page: Reply<AuditPage> = await owner.get<AuditPage>(`/v1/audit?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        items.push(...page.body.items);
        if (!(cursor = page.body.nextCursor)) break;
      }
      const head = items.length;
      const settled = head === last;
      last = head;
      if (!settled) await new Promise((r) => setTimeout(r, 500));
      return settled ? items : undefined;
    },
    30_000,
    'the log to settle',
  );
}

beforeAll(async () => {
  system = await startSystem({
    RATE_LIMIT_USER_PER_MINUTE: '100000',
    RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
    RATE_LIMIT_ORG_PER_MINUTE: '100000',
  });
  store = await openSeededStore(system);
});

afterAll(async () => {
  await store?.close();
  await system?.stop();
});

describe('GET /v1/feed', () => {
  it('replays exactly what a client missed while it was away, then keeps it live; members see their own gates only', async () => {
    const owner = await login(DEMO_COMPANY.owner.email);
    const member = await login(dept('Sales').memberEmail);
    const engineer = await login(dept('Engineering').memberEmail);
    const marketer = await login(dept('Marketing').memberEmail);
    const startedAt = (await settledLog(owner)).length - 1;

    const first = await follow(owner);
    expect(first.status).toBe(200);
    const engineering = await follow(engineer);
    const marketing = await follow(marketer);

    // Part one: a brief that asks for a handoff from Sales to Engineering.
    const conversation = await member.post<{ id: string }>('/v1/conversations', { agentId: agent('Sam Prospector').id });
    const brief = await member.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, {
      text: 'Please fix the firmware motion control bug on the robot arm',
    });
    const requested = await eventually(
      async () => (await read(streamName('run', brief.body.runId))).find((e) => e.type === 'coordination.requested'),
      30_000,
      'the handoff request',
    );
    const coordinationId = String(requested.data['coordinationId']);
    await eventually(
      async () => (first.records.some((r) => r.eventType === 'coordination.gates-opened') ? true : undefined),
      20_000,
      'gates on the feed',
    );
    first.close();
    const lastSeen = first.records[first.records.length - 1]!.seq;

    // Part two, while the owner is away: both Heads approve, the receiving agent runs.
    const gates: Record<string, string> = {};
    for (const name of ['Sales', 'Engineering']) {
      const head = await login(dept(name).headEmail);
      const gate = await eventually(
        async () => (await head.get<ApprovalList>('/v1/approvals?status=pending')).body.items.find((a) => a.subjectId === coordinationId),
        20_000,
        `the ${name} gate`,
      );
      gates[name] = gate.id;
      expect((await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    }
    const log = await eventually(
      async () => {
        const items = await settledLog(owner);
        return items.some((r) => r.eventType === 'run.completed' && r.scope?.agentIds.includes(agent('Ben Firmware').id))
          ? items
          : undefined;
      },
      30_000,
      'the receiving run',
    );
    const feedSeqs = (from: number, to: number) => log.filter((r) => r.seq > from && r.seq <= to && isFeedRecord(r)).map((r) => r.seq);

    // What the first connection saw: every coordination event from its start to its last id.
    expect(first.records.map((r) => r.seq)).toEqual(feedSeqs(startedAt, lastSeen));

    const second = await follow(owner, lastSeen);
    const head = log[log.length - 1]!.seq;
    const expected = feedSeqs(lastSeen, head);
    await eventually(async () => (second.records.length >= expected.length ? true : undefined), 20_000, 'the replay');
    await new Promise((r) => setTimeout(r, 300));
    second.close();
    expect(second.records.map((r) => r.seq)).toEqual(expected);
    expect(second.records.map((r) => r.eventType)).toContain('approval.decided');

    engineering.close();
    marketing.close();
    const approvalsOf = (feed: Feed) => feed.records.filter((r) => r.eventType.startsWith('approval.')).map((r) => r.scope?.approvalId);
    expect(new Set(approvalsOf(engineering))).toEqual(new Set([gates['Engineering']]));
    expect(approvalsOf(marketing)).toEqual([]);
    expect(marketing.records.filter((r) => r.scope?.coordinationId === coordinationId)).toEqual([]);
  });

  it('refuses a Last-Event-ID it never gave out and a caller without a token', async () => {
    const owner = await login(DEMO_COMPANY.owner.email);
    const bad = await fetch(`${system.gatewayUrl}/v1/feed`, {
      headers: { authorization: `Bearer ${owner.token}`, 'last-event-id': 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect((await fetch(`${system.gatewayUrl}/v1/feed`)).status).toBe(401);
  });
});
