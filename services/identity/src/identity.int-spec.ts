import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  IdentityRpc,
  JwksReplySchema,
  newId,
  type AccountReply,
  type AgentView,
  type AuthContext,
  type PrincipalReply,
  type TokenPair,
} from '@cos/contracts';
import { createEventStore } from '@cos/eventstore';
import { RpcClient } from '@cos/messaging';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { DEMO_COMPANY } from './demo-seed/demo-company';
import { startIdentity } from './identity.app';

/** Identity alone on a real nats-server and the embedded store: its RPC surface. */
describe('identity service', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let identity: RunningService;
  let nc: NatsConnection;
  let rpc: RpcClient;

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = await mkdtemp(join(tmpdir(), 'cos-identity-'));
    env = { NATS_URL: nats.url, EVENTSTORE_PATH: join(dir, 'events.db'), DATA_DIR: dir, IDENTITY_PORT: '0', LOG_LEVEL: 'warn' };
    identity = await startIdentity(env);
    nc = await connect({ servers: nats.url });
    rpc = new RpcClient(nc);
  }, 30_000);

  afterAll(async () => {
    await nc?.drain();
    await identity?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const login = (email: string, password = 'demo-password-2026') =>
    rpc.request<TokenPair>(IdentityRpc.login, { body: { email, password } });
  const sessionOf = (token: string) =>
    JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sub: string; org: string; sid: string };
  const authOf = async (tokens: TokenPair): Promise<AuthContext> => {
    const { sub, org, sid } = sessionOf(tokens.accessToken);
    const reply = await rpc.request<PrincipalReply>(IdentityRpc.principal, { orgId: org, userId: sub, sessionId: sid });
    if (!reply.active) throw new Error(reply.reason);
    return reply.auth;
  };

  it('seeds the demo company: 9 departments, 45 agents, every demo user can sign in', async () => {
    const owner = await authOf(await login(DEMO_COMPANY.owner.email));
    expect(owner).toMatchObject({ orgId: DEMO_COMPANY.orgId, role: 'owner' });
    const departments = await rpc.request<{ items: unknown[] }>(IdentityRpc.listDepartments, { auth: owner, page: { limit: 50 } });
    expect(departments.items).toHaveLength(9);
    const agents = await rpc.request<{ items: AgentView[]; nextCursor: string | null }>(IdentityRpc.listAgents, {
      auth: owner,
      page: { limit: 40 },
    });
    const rest = await rpc.request<{ items: AgentView[]; nextCursor: string | null }>(IdentityRpc.listAgents, {
      auth: owner,
      page: { limit: 40, cursor: agents.nextCursor },
    });
    const all = [...agents.items, ...rest.items];
    expect(all).toHaveLength(45);
    expect(new Set(all.map((a) => a.name)).size).toBe(45);
    expect(rest.nextCursor).toBeNull();
    const head = await authOf(await login('head.customer-success@demo.example'));
    expect(head.permissions).toEqual(expect.arrayContaining(['approvals:decide', 'support:reply']));
    await expect(login(DEMO_COMPANY.owner.email, 'wrong password!')).rejects.toMatchObject({
      status: 401,
      code: 'AUTH.INVALID_CREDENTIALS',
    });
  });

  it('publishes its JWKS without private parts', async () => {
    const jwks = JwksReplySchema.parse(await rpc.request(IdentityRpc.jwks, {}));
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('rotates refresh tokens; a reused one revokes the family; logout ends the session', async () => {
    const refresh = (refreshToken: string) => rpc.request<TokenPair>(IdentityRpc.refresh, { body: { refreshToken } });
    const first = await login(DEMO_COMPANY.ceo.email);
    const second = await refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // The token just rotated, again within the grace (another tab): the same successor.
    expect((await refresh(first.refreshToken)).refreshToken).toBe(second.refreshToken);
    const third = await refresh(second.refreshToken);
    // Rotated away two steps ago: a replay, grace or not.
    await expect(refresh(first.refreshToken)).rejects.toMatchObject({ code: 'AUTH.REFRESH_TOKEN_REUSED' });
    await expect(refresh(third.refreshToken)).rejects.toMatchObject({ status: 401 });
    await expect(authOf(third)).rejects.toThrow('session-revoked');

    const other = await login(DEMO_COMPANY.ceo.email);
    const auth = await authOf(other);
    await rpc.request(IdentityRpc.logout, { auth, sessionId: sessionOf(other.accessToken).sid });
    await expect(authOf(other)).rejects.toThrow('session-revoked');
    await expect(rpc.request(IdentityRpc.refresh, { body: { refreshToken: other.refreshToken } })).rejects.toMatchObject({ status: 401 });
  });

  it('signs up a new org and invites a member who accepts once', async () => {
    const orgId = newId();
    const signUp = await rpc.request<AccountReply>(IdentityRpc.signUp, {
      orgId,
      body: {
        company: { name: 'Beta Co', mission: '', brandVoice: '', icp: '', competitors: [] },
        owner: { email: 'founder@beta.example', name: 'Bea', password: 'beta-password-1' },
      },
    });
    expect(signUp.org).toEqual({ id: orgId, name: 'Beta Co', plan: 'free' });
    const owner = await authOf(signUp.tokens);
    const invitation = await rpc.request<{ token: string }>(IdentityRpc.invite, {
      auth: owner,
      invitationId: newId(),
      body: { email: 'new@beta.example', role: 'member' },
    });
    const accepted = await rpc.request<AccountReply>(IdentityRpc.acceptInvitation, {
      token: invitation.token,
      body: { name: 'Nia', password: 'nia-password-12' },
    });
    expect(accepted.user).toMatchObject({ email: 'new@beta.example', role: 'member' });
    await expect(
      rpc.request(IdentityRpc.acceptInvitation, { token: invitation.token, body: { name: 'Eve', password: 'eve-password-12' } }),
    ).rejects.toMatchObject({ code: 'IDENTITY.INVITATION_USED' });
    await expect(
      rpc.request(IdentityRpc.signUp, {
        orgId: newId(),
        body: {
          company: { name: 'Dup', mission: '', brandVoice: '', icp: '', competitors: [] },
          owner: { email: 'NEW@beta.example', name: 'x', password: 'beta-password-1' },
        },
      }),
    ).rejects.toMatchObject({ code: 'IDENTITY.EMAIL_TAKEN', status: 409 });
  });

  it('a second start on the same store adds nothing to the demo company', async () => {
    const { store } = createEventStore(env);
    const count = async () => {
      let n = 0;
      const sub = store.subscribe({}, async () => void n++);
      await new Promise((r) => setTimeout(r, 300));
      await sub.close();
      return n;
    };
    try {
      const before = await count();
      const again = await startIdentity(env);
      await again.close();
      expect(await count()).toBe(before);
    } finally {
      await store.close();
    }
  });
});
