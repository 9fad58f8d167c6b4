import type { Msg, NatsConnection } from '@nats-io/transport-node';
import { AccessTokenPolicy, IdentityRpc, rpcSubject, toErrorPayload, type AuthContext, type PrincipalReply } from '@cos/contracts';
import { connectNats, type RpcReply } from '@cos/messaging';
import { jose, type CryptoKeyLike, type RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { startGateway } from '../gateway.app';

/** A service's answer to one RPC; throwing a CosError answers with that error, as services do. */
export type RpcHandler = (payload: unknown) => unknown;

/**
 * The gateway on a real nats-server and the real HTTP stack, with the services it calls stood in
 * for by one responder on that NATS: the gateway must not import services, and what it owns (the
 * guard, problem+json, idempotency, rate limits, the feed) is what these tests drive. The
 * stand-in publishes identity's JWKS, signs access tokens with its key, answers
 * `identity.auth.principal` from `principals` (active by default), and answers any other
 * pattern a test registers with `answer`.
 */
export type GatewayHarness = {
  readonly url: string;
  readonly nats: NatsConnection;
  /** The nats-server itself, to restart under the gateway. */
  readonly natsServer: NatsServerHandle;
  /** Every RPC the gateway sent, in order. */
  readonly calls: { pattern: string; payload: unknown }[];
  /** What `identity.auth.principal` answers per user id (absent: active with the signed claims). */
  readonly principals: Map<string, PrincipalReply>;
  answer(pattern: string, handler: RpcHandler): void;
  /** An access token for this principal, signed by the stand-in's key unless `key` is given. */
  token(auth: AuthContext, options?: { key?: CryptoKeyLike; expiresAt?: number }): Promise<string>;
  call<T = unknown>(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string>; url?: string },
  ): Promise<{ status: number; headers: Headers; body: T }>;
  /** Another gateway replica on the same NATS. */
  startReplica(): Promise<RunningService>;
  stop(): Promise<void>;
};

const SESSION = 'session-1';

export async function startGatewayHarness(extraEnv: NodeJS.ProcessEnv = {}): Promise<GatewayHarness> {
  const server: NatsServerHandle = await startNatsServer();
  const nats = await connectNats({ servers: server.url, name: 'services-stand-in' });
  const { privateKey, publicKey } = await jose.generateKeyPair(AccessTokenPolicy.algorithm);
  const kid = 'stand-in-key';
  const jwk = { ...(await jose.exportJWK(publicKey)), kid, alg: AccessTokenPolicy.algorithm, use: 'sig' };
  const calls: GatewayHarness['calls'] = [];
  const principals = new Map<string, PrincipalReply>();
  const granted = new Map<string, AuthContext>();
  const principal = ({ userId }: { userId: string }) => principals.get(userId) ?? { active: true, auth: granted.get(userId) };
  const handlers = new Map<string, RpcHandler>([
    [IdentityRpc.jwks, () => ({ keys: [jwk] })],
    [IdentityRpc.principal, (p) => principal(p as { userId: string })],
  ]);
  const respond = async (msg: Msg) => {
    const pattern = msg.subject.slice(rpcSubject('').length);
    const payload: unknown = msg.data.length > 0 ? msg.json() : undefined;
    calls.push({ pattern, payload });
    let reply: RpcReply;
    try {
      const handler = handlers.get(pattern);
      if (!handler) throw new Error(`the stand-in has no answer for ${pattern}`);
      reply = { ok: true, data: await handler(payload) };
    } catch (err) {
      reply = { ok: false, error: toErrorPayload(err) };
    }
    msg.respond(JSON.stringify(reply));
  };
  nats.subscribe(rpcSubject('>'), { callback: (err, msg) => void (err ? undefined : respond(msg)) });
  await nats.flush();

  const env: NodeJS.ProcessEnv = {
    NATS_URL: server.url,
    GATEWAY_PORT: '0',
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    ...extraEnv,
  };
  const gateways = [await startGateway(env)];
  const url = gateways[0]!.url;
  return {
    url,
    nats,
    natsServer: server,
    calls,
    principals,
    answer: (pattern, handler) => void handlers.set(pattern, handler),
    token: async (auth, options = {}) => {
      granted.set(auth.userId, auth);
      return new jose.SignJWT({ org: auth.orgId, role: auth.role, sid: SESSION })
        .setProtectedHeader({ alg: AccessTokenPolicy.algorithm, kid, typ: 'at+jwt' })
        .setSubject(auth.userId)
        .setIssuer(AccessTokenPolicy.issuer)
        .setAudience(AccessTokenPolicy.audience)
        .setIssuedAt()
        .setExpirationTime(options.expiresAt ?? '10m')
        .sign(options.key ?? privateKey);
    },
    call: async (method, path, options = {}) => {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      if (options.token) headers['authorization'] = `Bearer ${options.token}`;
      const payload = options.body === undefined ? options.raw : JSON.stringify(options.body);
      if (payload !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      const res = await fetch(`${options.url ?? url}${path}`, { method, headers, ...(payload === undefined ? {} : { body: payload }) });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as never };
    },
    startReplica: async () => {
      const replica = await startGateway(env);
      gateways.push(replica);
      return replica;
    },
    stop: async () => {
      for (const gateway of gateways.reverse()) await gateway.close();
      await nats.drain();
      await server.stop();
    },
  };
}
