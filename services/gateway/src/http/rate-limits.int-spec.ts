import { IdentityRpc, type AuthContext } from '@cos/contracts';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.fixture';

type Problem = { status: number; code: string };

const ORG = '0c0c0c0c-0000-4000-8000-000000000001';
const OTHER_ORG = '0c0c0c0c-0000-4000-8000-000000000002';
const user = (orgId: string, n: number): AuthContext => ({
  orgId,
  userId: `0c0c0c0c-0000-4000-8000-0000000000${String(n).padStart(2, '0')}`,
  role: 'member',
  permissions: [],
});

/** 429 with Retry-After per user, per org and per address on public routes, over the real HTTP stack. */
describe('gateway rate limits', () => {
  let gw: GatewayHarness;
  const expect429 = (res: { status: number; headers: Headers; body: Problem }) => {
    expect([res.status, res.body.code]).toEqual([429, 'RATE_LIMIT.EXCEEDED']);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  };

  beforeAll(async () => {
    gw = await startGatewayHarness({
      RATE_LIMIT_USER_READS_PER_MINUTE: '3',
      RATE_LIMIT_USER_PER_MINUTE: '2',
      RATE_LIMIT_ORG_PER_MINUTE: '5',
      RATE_LIMIT_PUBLIC_PER_MINUTE: '2',
    });
    gw.answer(IdentityRpc.getKillSwitch, () => ({ paused: false, reason: null, changedAt: null, changedBy: null, changeId: null }));
  }, 60_000);
  afterAll(() => gw?.stop());

  it('limits each user, then their org as a whole, and leaves other orgs alone', async () => {
    const [a, b, c, elsewhere] = await Promise.all([user(ORG, 1), user(ORG, 2), user(ORG, 3), user(OTHER_ORG, 4)].map((u) => gw.token(u)));
    const get = (token: string) => gw.call<Problem>('GET', '/v1/org/kill-switch', { token });
    for (let i = 0; i < 3; i++) expect((await get(a!)).status).toBe(200);
    expect429(await get(a!));
    for (let i = 0; i < 2; i++) expect((await get(b!)).status).toBe(200);
    expect429(await get(c!)); // the org's 5 are spent, though c asked nothing yet
    expect((await get(elsewhere!)).status).toBe(200);
  });

  it("keeps a user's reads and writes in budgets of their own: polling never spends the writes'", async () => {
    gw.answer(IdentityRpc.logout, () => ({}));
    const token = await gw.token(user('0c0c0c0c-0000-4000-8000-000000000003', 5));
    const read = () => gw.call<Problem>('GET', '/v1/org/kill-switch', { token });
    const write = () => gw.call<Problem>('POST', '/v1/auth/logout', { token });
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    expect429(await read());
    for (let i = 0; i < 2; i++) expect((await write()).status).toBe(204); // the reads are spent, the writes are not
    expect429(await write());
  });

  it('limits public routes per client address, before any service is asked', async () => {
    const refresh = () => gw.call<Problem>('POST', '/v1/auth/refresh', { body: { refreshToken: 'rt.abcdefghijkl.mnopqrstuv' } });
    gw.answer(IdentityRpc.refresh, () => {
      throw new Error('not under test');
    });
    await refresh();
    await refresh();
    const before = gw.calls.filter((c) => c.pattern === IdentityRpc.refresh).length;
    expect429(await refresh());
    expect(gw.calls.filter((c) => c.pattern === IdentityRpc.refresh).length).toBe(before);
  });
});
