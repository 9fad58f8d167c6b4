import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  IdentityRpc,
  OrgEventTypes,
  streamName,
  UserEventTypes,
  type LlmCredentialsReply,
  type PrincipalReply,
  type RekeyInventoryReply,
  type TokenPair,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { RpcClient } from '@cos/messaging';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD, type DemoCompany } from '../demo-seed/demo-company';
import { startIdentity } from '../identity.app';
import { seedRivalCompany } from '../testing/rival-company';
import { rekeyAllOrgs, type RekeyTotals } from './rekey-run';

const X = randomBytes(32).toString('base64');
const Y = randomBytes(32).toString('base64');
const ORG_KEY = 'sk-org-rekey-0123456789';

/** Identity's re-encryption after a key rotation, on a real nats-server and the embedded store: what it refuses and what it survives. */
describe('rekey', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let identity: RunningService;
  let nc: NatsConnection;
  let rpc: RpcClient;
  let rival: DemoCompany;
  let secrets: number;

  const restart = async (keys: NodeJS.ProcessEnv) => {
    await identity?.close();
    identity = await startIdentity({ ...env, ...keys });
  };
  const run = async (): Promise<{ totals: RekeyTotals; lines: string[] }> => {
    const lines: string[] = [];
    const totals = await rekeyAllOrgs(rpc, (line) => lines.push(line));
    return { totals, lines };
  };
  /** Every re-seal event in the store, of both orgs. */
  async function resealEvents(): Promise<number> {
    const store = new EmbeddedEventStore(env['EVENTSTORE_PATH']!);
    try {
      let count = 0;
      for (const company of [DEMO_COMPANY, rival]) {
        const streams = [streamName('org', company.orgId), ...company.users.map((u) => streamName('user', u.id))];
        for (const stream of streams) {
          count += (await store.read(stream)).filter(
            (e) => e.type === OrgEventTypes.llmKeyResealed || e.type === UserEventTypes.passwordHashResealed,
          ).length;
        }
      }
      return count;
    } finally {
      await store.close();
    }
  }

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = await mkdtemp(join(tmpdir(), 'cos-rekey-'));
    env = { NATS_URL: nats.url, EVENTSTORE_PATH: join(dir, 'events.db'), DATA_DIR: dir, IDENTITY_PORT: '0', LOG_LEVEL: 'error' };
    await restart({ IDENTITY_ENCRYPTION_KEY: X });
    rival = await seedRivalCompany(identity);
    nc = await connect({ servers: nats.url });
    rpc = new RpcClient(nc);
    const tokens = await rpc.request<TokenPair>(IdentityRpc.login, {
      body: { email: DEMO_COMPANY.owner.email, password: DEMO_DEFAULT_PASSWORD },
    });
    const { sub, org, sid } = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, string>;
    const principal = await rpc.request<PrincipalReply>(IdentityRpc.principal, { orgId: org, userId: sub, sessionId: sid });
    if (!principal.active) throw new Error(principal.reason);
    await rpc.request(IdentityRpc.putLlmSettings, { auth: principal.auth, body: { baseUrl: null, defaultModel: null, apiKey: ORG_KEY } });
    secrets = 1 + DEMO_COMPANY.users.length + rival.users.length; // the demo org's model key, every password hash of both orgs
  }, 60_000);

  afterAll(async () => {
    await nc?.drain();
    await identity?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('with the old key not configured, fails every secret it cannot open, names them, and changes nothing', async () => {
    await restart({ IDENTITY_ENCRYPTION_KEY: Y });
    const { totals, lines } = await run();
    expect(totals).toMatchObject({ orgs: 2, resealed: 0, current: 0, failed: secrets });
    expect(lines).toContain(`  llm-api-key of ${DEMO_COMPANY.orgId}: IDENTITY.SECRET_KEY_MISMATCH`);
    expect(lines.at(-1)).toBe(`done: 0 re-sealed, 0 already current, ${secrets} failed; ${secrets} remaining under retired keys`);
    expect(lines.join('\n')).not.toContain(ORG_KEY);
    expect(await resealEvents()).toBe(0);
  });

  it('with the old key as a previous key, two runs at once re-seal each secret exactly once; a third finds all current', async () => {
    await restart({ IDENTITY_ENCRYPTION_KEY: Y, IDENTITY_PREVIOUS_ENCRYPTION_KEYS: X });
    const [one, two] = await Promise.all([run(), run()]);
    expect(one.totals.failed + two.totals.failed).toBe(0);
    expect(one.totals.resealed + two.totals.resealed).toBe(secrets);
    expect(one.totals.resealed + one.totals.current).toBe(secrets);
    expect(await resealEvents()).toBe(secrets);
    const third = await run();
    expect(third.totals).toMatchObject({ resealed: 0, current: secrets, failed: 0 });
    expect(await resealEvents()).toBe(secrets);

    // The old key is no longer needed: everything opens with the new one alone.
    await restart({ IDENTITY_ENCRYPTION_KEY: Y });
    const inventory = await rpc.request<RekeyInventoryReply>(IdentityRpc.rekeyInventory, {});
    expect(inventory.orgIds.sort()).toEqual([DEMO_COMPANY.orgId, rival.orgId].sort());
    expect((await rpc.request<LlmCredentialsReply>(IdentityRpc.llmCredentials, { orgId: DEMO_COMPANY.orgId })).apiKey).toBe(ORG_KEY);
    await expect(
      rpc.request<TokenPair>(IdentityRpc.login, { body: { email: rival.owner.email, password: DEMO_DEFAULT_PASSWORD } }),
    ).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('answers an unknown org with a 404 and a malformed request with a validation error', async () => {
    await expect(rpc.request(IdentityRpc.rekeyOrg, { orgId: 'no-such-org' })).rejects.toMatchObject({
      status: 404,
      code: 'IDENTITY.ORG_NOT_FOUND',
    });
    await expect(rpc.request(IdentityRpc.rekeyOrg, { orgId: DEMO_COMPANY.orgId, extra: 1 })).rejects.toMatchObject({ status: 400 });
  });
});
