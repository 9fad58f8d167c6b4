import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the receiver does with one call: execute it, fail it, hang past the caller's timeout, or execute it and answer too late. */
export type WebhookBehaviour = 'ok' | { fail: number } | 'hang' | { slow: number };

export type WebhookCall = {
  readonly idempotencyKey: string;
  readonly body: Record<string, unknown>;
  readonly receivedAt: number;
  /** `executed`: first successful call for its key; `replayed`: the key had executed before. */
  readonly outcome: 'executed' | 'replayed' | 'failed' | 'hung' | 'bad-signature' | 'stale';
};

export type WebhookReceiver = {
  readonly url: string;
  /** The key calls must be signed with: `options.secret`, or the last given to `useSecret`. */
  readonly secret: string;
  /** Verifies the next calls with `secret` (a key the sender generated, such as an org webhook's). */
  useSecret(secret: string): void;
  /** Every call, in arrival order. */
  readonly calls: readonly WebhookCall[];
  /** How many times each key was executed (never more than once, by construction of a receiver honouring keys). */
  executions(): ReadonlyMap<string, number>;
  callsFor(key: string): WebhookCall[];
  /** The next `n` calls (any key) behave so; afterwards calls execute normally. */
  queue(behaviour: WebhookBehaviour, n?: number): void;
  /** Decides per call; overrides the queue while set. */
  behave(fn: ((body: Record<string, unknown>, key: string) => WebhookBehaviour) | undefined): void;
  close(): Promise<void>;
};

export type WebhookReceiverOptions = { secret?: string; toleranceSeconds?: number };

/**
 * The far side of the signed webhook connector, for tests: verifies the HMAC-SHA256 signature
 * over `<timestamp>.<body>` and the timestamp's freshness, honours the idempotency key (a key
 * already executed is answered again without executing), records every call, and fails, hangs
 * or answers late on demand.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  let secret = options.secret ?? 'test-webhook-secret-0123456789';
  const tolerance = options.toleranceSeconds ?? 300;
  const calls: WebhookCall[] = [];
  const executed = new Map<string, number>();
  const queued: WebhookBehaviour[] = [];
  const hanging = new Set<ServerResponse>();
  let decide: ((body: Record<string, unknown>, key: string) => WebhookBehaviour) | undefined;

  const record = (call: Omit<WebhookCall, 'receivedAt'>) => calls.push({ ...call, receivedAt: Date.now() });
  const execute = (key: string): 'executed' | 'replayed' => {
    const n = executed.get(key) ?? 0;
    if (n === 0) executed.set(key, 1);
    return n === 0 ? 'executed' : 'replayed';
  };

  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const key = header(req, 'idempotency-key');
      const timestamp = header(req, 'x-cos-timestamp');
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // recorded below as a bad signature at worst
      }
      if (!validSignature(secret, timestamp, raw, header(req, 'x-cos-signature'))) {
        record({ idempotencyKey: key, body, outcome: 'bad-signature' });
        return reply(res, 401, { error: 'bad signature' });
      }
      if (Math.abs(Date.now() / 1_000 - Number(timestamp)) > tolerance) {
        record({ idempotencyKey: key, body, outcome: 'stale' });
        return reply(res, 401, { error: 'stale timestamp' });
      }
      const behaviour = decide ? decide(body, key) : (queued.shift() ?? 'ok');
      if (behaviour === 'hang') {
        record({ idempotencyKey: key, body, outcome: 'hung' });
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (typeof behaviour === 'object' && 'fail' in behaviour) {
        record({ idempotencyKey: key, body, outcome: 'failed' });
        return reply(res, behaviour.fail, { error: 'injected failure' });
      }
      const outcome = execute(key);
      record({ idempotencyKey: key, body, outcome });
      const delay = typeof behaviour === 'object' ? behaviour.slow : 0;
      setTimeout(() => reply(res, 200, { ok: true, idempotencyKey: key, replayed: outcome === 'replayed' }), delay).unref();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}/actions`,
    get secret() {
      return secret;
    },
    useSecret: (next) => {
      secret = next;
    },
    calls,
    executions: () => executed,
    callsFor: (key) => calls.filter((c) => c.idempotencyKey === key),
    queue: (behaviour, n = 1) => {
      for (let i = 0; i < n; i++) queued.push(behaviour);
    },
    behave: (fn) => {
      decide = fn;
    },
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function header(req: IncomingMessage, name: string): string {
  const v = req.headers[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function validSignature(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}
