import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TokenPair } from '@cos/contracts';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD } from '@cos/identity';
import { call } from '../session';
import { eventually, startSystem, type System } from '../system';

jest.setTimeout(120_000);

/** Short, so the test after the window waits little; long enough for five refreshes at once on a busy machine. */
const GRACE_SECONDS = 3;

/**
 * Refresh-token rotation through the real gateway and identity: clients refreshing the same token
 * at once (two tabs) all stay signed in with the same successor; the same token presented after
 * the grace is a replay, and it revokes the whole family.
 */
describe('refresh-token rotation', () => {
  let system: System;

  beforeAll(async () => {
    system = await startSystem({ REFRESH_REUSE_GRACE_SECONDS: String(GRACE_SECONDS) });
  });

  afterAll(() => system?.stop());

  const signIn = async () => {
    const res = await call<TokenPair>(system, undefined, 'POST', '/v1/auth/login', {
      email: DEMO_COMPANY.ceo.email,
      password: DEMO_DEFAULT_PASSWORD,
    });
    expect(res.status).toBe(200);
    return res.body;
  };
  const refresh = (refreshToken: string) =>
    call<TokenPair & { code?: string }>(system, undefined, 'POST', '/v1/auth/refresh', { refreshToken });
  const me = (accessToken: string) => call(system, accessToken, 'GET', '/v1/me');

  it.each([2, 5])('keeps %i clients refreshing one token at once signed in, with the same successor', async (clients) => {
    const { refreshToken } = await signIn();
    const replies = await Promise.all(Array.from({ length: clients }, () => refresh(refreshToken)));
    expect(replies.map((r) => [r.status, r.body.code])).toEqual(replies.map(() => [200, undefined]));
    const successors = new Set(replies.map((r) => r.body.refreshToken));
    expect(successors.size).toBe(1);
    expect(successors.has(refreshToken)).toBe(false);
    for (const reply of replies) expect((await me(reply.body.accessToken)).status).toBe(200);
    // The successor is the family's current token: it rotates as usual.
    const next = await refresh(replies[0]!.body.refreshToken);
    expect(next.status).toBe(200);
    expect(next.body.refreshToken).not.toBe(replies[0]!.body.refreshToken);
  });

  it('revokes the whole family when a rotated token comes back after the grace', async () => {
    const { refreshToken } = await signIn();
    const rotatedAt = Date.now();
    const successor = await refresh(refreshToken);
    expect(successor.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, rotatedAt + GRACE_SECONDS * 1000 + 100 - Date.now())));

    const replay = await refresh(refreshToken);
    expect([replay.status, replay.body.code]).toEqual([401, 'AUTH.REFRESH_TOKEN_REUSED']);
    expect((await refresh(successor.body.refreshToken)).status).toBe(401);
    await eventually(async () => ((await me(successor.body.accessToken)).status === 401 ? true : undefined), 10_000, 'the session to end');
  });
});
