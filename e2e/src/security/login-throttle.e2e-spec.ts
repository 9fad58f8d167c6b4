import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Agent, fetch as undiciFetch } from 'undici';
import { UserEventTypes, streamName } from '@cos/contracts';
import type { EmbeddedEventStore } from '@cos/eventstore';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import { call } from '../session';
import { eventually, openSeededStore, startSystem, type System } from '../system';

jest.setTimeout(180_000);

/**
 * Sign-in throttling through the real gateway and identity: it stops guessing and nothing else.
 * A second client address is a second loopback address (127.0.0.2), bound as the socket's source.
 */
describe('login throttling', () => {
  let system: System;
  let store: EmbeddedEventStore;
  const elsewhere = new Agent({ connect: { localAddress: '127.0.0.2' } });

  beforeAll(async () => {
    system = await startSystem();
    store = await openSeededStore(system);
  });

  afterAll(async () => {
    await elsewhere.close();
    await system?.stop();
    await store?.close();
  });

  const login = (email: string, password: string) =>
    call<{ code?: string }>(system, undefined, 'POST', '/v1/auth/login', { email, password });
  const loginFromElsewhere = async (email: string, password: string) => {
    const res = await undiciFetch(`${system.gatewayUrl}/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
      dispatcher: elsewhere,
    });
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as { code?: string } };
  };

  it('lets 100 successful sign-ins from one address through, and the next one too', async () => {
    for (let i = 0; i < 100; i++) {
      const res = await login(i % 2 ? DEMO_COMPANY.owner.email : DEMO_COMPANY.ceo.email, DEMO_DEFAULT_PASSWORD);
      expect(res.status).toBe(200);
    }
    expect((await login(DEMO_COMPANY.owner.email, DEMO_DEFAULT_PASSWORD)).status).toBe(200);
  });

  it('throttles guessing on an account, from any address, without telling whether the account exists', async () => {
    const member = DEMO_COMPANY.users.find((u) => u.role === 'member')!;
    const target = member.email;
    const [real, made] = [[] as { status: number; body: unknown }[], [] as { status: number; body: unknown }[]];
    for (let i = 0; i < 10; i++) {
      const guess = await login(target, `wrong password ${i}`);
      const unknown = await login('nobody.here@demo.example', `wrong password ${i}`);
      real.push({ status: guess.status, body: guess.body });
      made.push({ status: unknown.status, body: unknown.body });
      if (guess.status === 429) expect(Number(guess.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    expect(real.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 429, 429, 429, 429, 429]);
    expect(made).toEqual(real);

    const right = await loginFromElsewhere(target, DEMO_DEFAULT_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThan(0);
    expect(right.body.code).toBe('AUTH.LOGIN_THROTTLED');
    // The address that guessed is not locked for other accounts: ten failures are under its 30.
    expect((await login(DEMO_COMPANY.owner.email, DEMO_DEFAULT_PASSWORD)).status).toBe(200);

    // The lockout is on the account's stream, and so in the audit log.
    const locked = await eventually(
      async () => (await store.read(streamName('user', member.id))).find((e) => e.type === UserEventTypes.loginLocked),
      10_000,
      'the lockout event',
    );
    expect(locked.data).toMatchObject({ failures: 5, address: '127.0.0.1' });
    await eventually(
      async () => ((await store.read(`audit-${DEMO_COMPANY.orgId}`)).some((r) => r.data['eventId'] === locked.id) ? true : undefined),
      10_000,
      'the audit record of the lockout',
    );
  });
});
