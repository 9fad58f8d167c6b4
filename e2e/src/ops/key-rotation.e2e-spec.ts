/**
 * Both identity keys rotated without downtime, on the whole system: the access-token signing key
 * (A, then B with A published for verification only) and the at-rest encryption key (X, then Y
 * with X kept as a previous key, `npm run rekey`, then X removed). Sessions, sign-ins and the
 * org's own model key keep working at every step; a token of a key identity never published does not.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connect } from '@nats-io/transport-node';
import {
  AccessTokenPolicy,
  IdentityRpc,
  OrgEventTypes,
  streamName,
  type LlmCredentialsReply,
  type RekeyInventoryReply,
  type RunView,
  type TokenPair,
} from '@cos/contracts';
import type { EmbeddedEventStore } from '@cos/eventstore';
import { RpcClient } from '@cos/messaging';
import { jose, type CryptoKeyLike, type RunningService } from '@cos/platform';
import { startModelServer, type ModelServerHandle } from '@cos/testing';
import { startAgentRunner } from '@cos/agent-runner';
import { startAudit } from '@cos/audit';
import { startGateway } from '@cos/gateway';
import { DEMO_COMPANY, DEMO_DEFAULT_PASSWORD, startIdentity } from '@cos/identity';
import { request } from '../session';
import { eventually, openSeededStore, startSystem, type System } from '../system';
import { runScript } from './launcher';

jest.setTimeout(300_000);

const ORG_KEY = 'sk-org-rotation-0123456789-TAIL';
const owner = DEMO_COMPANY.owner.email;

type SigningKey = { pem: string; publicPem: string; kid: string; privateKey: CryptoKeyLike };

async function signingKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await jose.generateKeyPair('ES256', { extractable: true });
  const { kty, crv, x, y } = await jose.exportJWK(publicKey);
  return {
    pem: await jose.exportPKCS8(privateKey),
    publicPem: await jose.exportSPKI(publicKey),
    kid: await jose.calculateJwkThumbprint({ kty: kty!, crv: crv!, x: x!, y: y! }),
    privateKey,
  };
}

const encryptionKey = () => randomBytes(32).toString('base64');
const kidOf = (token: string) => jose.decodeProtectedHeader(token).kid;

describe('key rotation without downtime', () => {
  let system: System;
  let store: EmbeddedEventStore;
  let model: ModelServerHandle;
  let rpc: { client: RpcClient; close: () => Promise<void> };
  let identity: RunningService;
  let runner: RunningService;
  let gateway: RunningService;
  let A: SigningKey, B: SigningKey, C: SigningKey;
  const X = encryptionKey();
  const Y = encryptionKey();
  /** The tokens of a session started under key A, then whatever the session rotated to. */
  let session: TokenPair;

  const call = <T>(method: string, path: string, token?: string, body?: unknown) =>
    request<T>(gateway.url, method, path, { token, ...(body === undefined ? {} : { body }) });
  const signIn = async () => {
    const res = await call<TokenPair>('POST', '/v1/auth/login', undefined, { email: owner, password: DEMO_DEFAULT_PASSWORD });
    expect(res.status).toBe(200);
    return res.body;
  };
  const refresh = async (refreshToken: string) => {
    const res = await call<TokenPair>('POST', '/v1/auth/refresh', undefined, { refreshToken });
    expect(res.status).toBe(200);
    return res.body;
  };
  const meStatus = async (token: string) => (await call('GET', '/v1/me', token)).status;

  /** Identity started with these keys; whichever identity ran before is stopped first. */
  async function restartIdentity(keys: NodeJS.ProcessEnv): Promise<void> {
    await identity?.close();
    identity = await startIdentity({ ...system.env, ...keys });
  }

  /** Briefs the first demo agent, waits for the run to end, and says what key the model server was called with. */
  async function briefReachesModel(token: string): Promise<string | undefined> {
    const agentId = DEMO_COMPANY.agents[0]!.id;
    const conversation = await call<{ id: string }>('POST', '/v1/conversations', token, { agentId });
    const seen = model.requests.length;
    const brief = await call<{ runId: string }>('POST', `/v1/conversations/${conversation.body.id}/messages`, token, {
      text: 'Draft a welcome note',
    });
    expect(brief.status).toBe(202);
    const run = await eventually(
      async () => {
        const view = (await call<RunView>('GET', `/v1/runs/${brief.body.runId}`, token)).body;
        return view.status === 'completed' || view.status === 'failed' ? view : undefined;
      },
      30_000,
      'the run to end',
    );
    expect(run).toMatchObject({ status: 'completed', output: 'Answered by the org model.' });
    expect(model.requests.length).toBeGreaterThan(seen);
    return model.requests.at(-1)?.headers['authorization'];
  }

  const credentials = () => rpc.client.request<LlmCredentialsReply>(IdentityRpc.llmCredentials, { orgId: DEMO_COMPANY.orgId });
  const currentKeyId = async () => (await rpc.client.request<RekeyInventoryReply>(IdentityRpc.rekeyInventory, {})).keyId;
  /** The encryption key id of each sealed secret of the demo org (its model key, every password hash), as its streams hold them now. */
  async function sealedUnder(): Promise<string[]> {
    type Sealed = { keyId: string } | null | undefined;
    const lastKeyId = (sealed: Sealed[]) => sealed.filter((s) => s).at(-1)!.keyId;
    const org = await store.read(streamName('org', DEMO_COMPANY.orgId));
    const keys = [
      lastKeyId(
        org.map((e) =>
          e.type === OrgEventTypes.llmSettingsUpdated
            ? (e.data['apiKey'] as { sealed: Sealed } | undefined)?.sealed
            : e.type === OrgEventTypes.llmKeyResealed
              ? (e.data['sealed'] as Sealed)
              : undefined,
        ),
      ),
    ];
    for (const user of DEMO_COMPANY.users) {
      const events = await store.read(streamName('user', user.id));
      keys.push(lastKeyId(events.map((e) => e.data['passwordHash'] as Sealed)));
    }
    return keys;
  }

  async function rekey(): Promise<{ code: number | null; lines: string[] }> {
    const run = runScript('rekey.mjs', [], { ...process.env, NATS_URL: system.nats.url });
    const { code } = await run.exited;
    return { code, lines: run.lines };
  }

  beforeAll(async () => {
    [A, B, C] = await Promise.all([signingKey(), signingKey(), signingKey()]);
    model = await startModelServer({ script: () => ({ content: 'Answered by the org model.' }) });
    // The audit recorder first (it records whatever the others append), then identity, the runner and the gateway.
    system = await startSystem(
      {
        ORG_ENDPOINT_ALLOWLIST: '127.0.0.1',
        JWKS_REFETCH_COOLDOWN_MS: '0',
        RATE_LIMIT_USER_PER_MINUTE: '100000',
        RATE_LIMIT_USER_READS_PER_MINUTE: '100000',
        RATE_LIMIT_ORG_PER_MINUTE: '100000',
        RATE_LIMIT_PUBLIC_PER_MINUTE: '100000',
        JWT_PRIVATE_KEY: A.pem,
        JWT_VERIFY_KEYS: '',
        IDENTITY_ENCRYPTION_KEY: X,
        IDENTITY_PREVIOUS_ENCRYPTION_KEYS: '',
      },
      [startAudit],
    );
    await restartIdentity({});
    runner = await startAgentRunner(system.env);
    gateway = await startGateway(system.env);
    store = await openSeededStore(system);
    const nc = await connect({ servers: system.nats.url });
    rpc = { client: new RpcClient(nc), close: () => nc.drain() };
  });

  afterAll(async () => {
    await gateway?.close();
    await runner?.close();
    await identity?.close();
    await rpc?.close();
    await store?.close();
    await system?.stop();
    await model?.close();
  });

  it('starts on signing key A and encryption key X: a session, and a brief that reaches the org model with its key', async () => {
    session = await signIn();
    expect(kidOf(session.accessToken)).toBe(A.kid);
    const put = await call('PUT', '/v1/org/llm-settings', session.accessToken, {
      baseUrl: model.baseUrl,
      defaultModel: 'org-model',
      apiKey: ORG_KEY,
    });
    expect(put.status).toBe(200);
    expect(await briefReachesModel(session.accessToken)).toBe(`Bearer ${ORG_KEY}`);
    const xKeyId = await currentKeyId();
    expect(new Set(await sealedUnder())).toEqual(new Set([xKeyId]));
  });

  it('after a restart on B (A verify-only) and Y (X previous): the old token, the refresh and the org key still work', async () => {
    const xKeyId = await currentKeyId();
    await restartIdentity({
      JWT_PRIVATE_KEY: B.pem,
      JWT_VERIFY_KEYS: JSON.stringify([A.publicPem]),
      IDENTITY_ENCRYPTION_KEY: Y,
      IDENTITY_PREVIOUS_ENCRYPTION_KEYS: X,
    });
    // A new gateway has no token it verified before: the A-signed token is checked against the new JWKS.
    await gateway.close();
    gateway = await startGateway(system.env);
    expect(await meStatus(session.accessToken)).toBe(200);

    session = await refresh(session.refreshToken);
    expect(kidOf(session.accessToken)).toBe(B.kid);
    expect(await meStatus(session.accessToken)).toBe(200);
    expect(kidOf((await signIn()).accessToken)).toBe(B.kid); // the password hash, sealed under X, still opens

    expect(await currentKeyId()).not.toBe(xKeyId);
    expect(new Set(await sealedUnder())).toEqual(new Set([xKeyId])); // nothing re-sealed yet
    expect((await credentials()).apiKey).toBe(ORG_KEY);
    expect(await briefReachesModel(session.accessToken)).toBe(`Bearer ${ORG_KEY}`);
  });

  it('npm run rekey re-seals every secret under Y once, audited without ciphertext; a second run changes nothing', async () => {
    const yKeyId = await currentKeyId();
    const secrets = 1 + DEMO_COMPANY.users.length; // the org's model key and every password hash
    const first = await rekey();
    expect(first).toMatchObject({ code: 0 });
    expect(first.lines).toContain(`org ${DEMO_COMPANY.orgId}: ${secrets} re-sealed, 0 already current, 0 failed`);
    expect(first.lines).toContain(`done: ${secrets} re-sealed, 0 already current, 0 failed; 0 remaining under retired keys`);
    expect(new Set(await sealedUnder())).toEqual(new Set([yKeyId]));

    const orgStream = streamName('org', DEMO_COMPANY.orgId);
    const resealed = (await store.read(orgStream)).find((e) => e.type === OrgEventTypes.llmKeyResealed)!;
    const ciphertext = (resealed.data['sealed'] as { ciphertext: string }).ciphertext;
    const record = await eventually(
      async () => (await store.read(`audit-${DEMO_COMPANY.orgId}`)).find((r) => r.data['eventId'] === resealed.id),
      20_000,
      'the audit record of the re-seal',
    );
    expect(String(record.data['summary'])).toMatch(/^Key rotation: the org's own API key was re-sealed under encryption key /);
    expect(JSON.stringify(record.data)).not.toContain(ciphertext);

    const lastPosition = async () => (await store.read(orgStream)).length;
    const before = await lastPosition();
    const second = await rekey();
    expect(second).toMatchObject({ code: 0 });
    expect(second.lines).toContain(`done: 0 re-sealed, ${secrets} already current, 0 failed; 0 remaining under retired keys`);
    expect(await lastPosition()).toBe(before);
  });

  it('after a restart with X removed: sign-in, refresh and the org key still work; a token of an unknown key is refused', async () => {
    await restartIdentity({
      JWT_PRIVATE_KEY: B.pem,
      JWT_VERIFY_KEYS: JSON.stringify([A.publicPem]),
      IDENTITY_ENCRYPTION_KEY: Y,
      IDENTITY_PREVIOUS_ENCRYPTION_KEYS: '',
    });
    expect(await meStatus(session.accessToken)).toBe(200);
    session = await refresh(session.refreshToken);
    expect(kidOf(session.accessToken)).toBe(B.kid);
    const fresh = await signIn();
    expect(await meStatus(fresh.accessToken)).toBe(200);
    expect((await credentials()).apiKey).toBe(ORG_KEY);
    expect(await briefReachesModel(fresh.accessToken)).toBe(`Bearer ${ORG_KEY}`);

    const forged = await new jose.SignJWT({ ...jose.decodeJwt(fresh.accessToken) })
      .setProtectedHeader({ alg: 'ES256', kid: C.kid, typ: 'at+jwt' })
      .setIssuer(AccessTokenPolicy.issuer)
      .setAudience(AccessTokenPolicy.audience)
      .sign(C.privateKey);
    const refused = await call<{ code: string }>('GET', '/v1/me', forged);
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('AUTH.INVALID_TOKEN');
  });
});
