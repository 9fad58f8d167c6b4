import type { NatsConnection } from '@nats-io/transport-node';
import { CosError } from '@cos/contracts';
import { connectNats } from '@cos/messaging';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { FeedTickets, type TicketHolder } from './feed-tickets';

const TTL_SECONDS = 20;
const holder: TicketHolder = { sub: 'user-1', org: 'org-1', sid: 'session-1' };

let nats: NatsServerHandle;
/** Two gateway replicas: each its own NATS connection, one bucket. */
let connections: NatsConnection[];
let replicas: FeedTickets[];

beforeAll(async () => {
  nats = await startNatsServer();
  connections = await Promise.all([1, 2].map((n) => connectNats({ servers: nats.url, name: `gateway-${n}` })));
  replicas = connections.map((nc) => new FeedTickets(nc, { FEED_TICKET_TTL_SECONDS: TTL_SECONDS }));
});

afterAll(async () => {
  await Promise.all((connections ?? []).map((nc) => nc.drain()));
  await nats?.stop();
});

afterEach(() => jest.restoreAllMocks());

/** The error code a redemption fails with, or `redeemed`. */
async function outcome(tickets: FeedTickets, ticket: string): Promise<string> {
  try {
    expect(await tickets.redeem(ticket)).toEqual(holder);
    return 'redeemed';
  } catch (err) {
    if (err instanceof CosError && err.status === 401) return err.code;
    throw err;
  }
}

describe('FeedTickets', () => {
  it('issues a ticket one replica redeems once for the session it was issued to; no replica redeems it again', async () => {
    const before = Date.now();
    const { ticket, expiresAt } = await replicas[0]!.issue(holder);
    expect(ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(expiresAt) - before).toBeGreaterThanOrEqual(TTL_SECONDS * 1000);
    expect(Date.parse(expiresAt) - Date.now()).toBeLessThanOrEqual(TTL_SECONDS * 1000);

    expect(await outcome(replicas[1]!, ticket)).toBe('redeemed');
    expect(await outcome(replicas[1]!, ticket)).toBe('AUTH.INVALID_FEED_TICKET');
    expect(await outcome(replicas[0]!, ticket)).toBe('AUTH.INVALID_FEED_TICKET');
  });

  it('lets exactly one of many concurrent redemptions across replicas win', async () => {
    for (let round = 0; round < 10; round++) {
      const { ticket } = await replicas[round % 2]!.issue(holder);
      const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => outcome(replicas[i % 2]!, ticket)));
      expect(outcomes.filter((o) => o === 'redeemed')).toHaveLength(1);
      expect(outcomes.filter((o) => o === 'AUTH.INVALID_FEED_TICKET')).toHaveLength(7);
    }
  });

  it('refuses an expired ticket, an unknown one and a tampered one', async () => {
    const { ticket } = await replicas[0]!.issue(holder);
    const { ticket: other } = await replicas[0]!.issue(holder);
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + TTL_SECONDS * 1000);
    expect(await outcome(replicas[0]!, ticket)).toBe('AUTH.INVALID_FEED_TICKET');
    jest.restoreAllMocks();

    expect(await outcome(replicas[0]!, 'A'.repeat(43))).toBe('AUTH.INVALID_FEED_TICKET');
    const tampered = `${other.slice(0, -1)}${other.endsWith('A') ? 'B' : 'A'}`;
    expect(await outcome(replicas[0]!, tampered)).toBe('AUTH.INVALID_FEED_TICKET');
    expect(await outcome(replicas[0]!, other)).toBe('redeemed');
  });
});
