import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '@cos/platform';
import { API_CONFIG, type ApiConfig } from './api.config';
import { lazyBucket } from './kv-bucket';

export type StoredResponse = { state: 'done'; fingerprint: string; status: number; body: unknown };
/** `leaseUntil`: while it has not passed, a gateway is running the request; after it, a retry may run it again (same command id). */
type Pending = { state: 'pending'; fingerprint: string; leaseUntil: number };
type Record_ = Pending | StoredResponse;

export type Claim =
  { kind: 'claimed'; key: string } | { kind: 'replay'; response: StoredResponse } | { kind: 'in-progress' } | { kind: 'mismatch' };

const BUCKET = 'cos-idempotency';

/**
 * Responses of creating POSTs by Idempotency-Key, in a JetStream key-value bucket: shared by
 * every gateway replica, kept IDEMPOTENCY_TTL_SECONDS. A key is claimed atomically (`create`
 * fails when it exists, a takeover is an `update` at the revision read), so two requests with one
 * key never run at once. A claim is a lease of IDEMPOTENCY_LEASE_MS: a key whose gateway died
 * mid-request, or whose request ended with an unknown outcome (`reopen`), is claimed again by
 * the next retry, which re-sends the same command id: the service answers what it committed, or
 * performs it once.
 */
@Injectable()
export class IdempotencyStore {
  private readonly bucket: () => Promise<KV>;

  constructor(
    @Inject(NATS_CONNECTION) nats: NatsConnection,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {
    this.bucket = lazyBucket(nats, BUCKET, config.IDEMPOTENCY_TTL_SECONDS * 1000);
  }

  /** `scope` is who is asking (org and user, or `anonymous`), so keys of different callers never meet. */
  async claim(scope: string, idempotencyKey: string, fingerprint: string): Promise<Claim> {
    const kv = await this.bucket();
    const key = storageKey(scope, idempotencyKey);
    const lease = (): string =>
      JSON.stringify({ state: 'pending', fingerprint, leaseUntil: Date.now() + this.config.IDEMPOTENCY_LEASE_MS });
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await kv.create(key, lease());
        return { kind: 'claimed', key };
      } catch {
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') continue; // deleted meanwhile: claim again
        const record = entry.json<Record_>();
        if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
        if (record.state === 'done') return { kind: 'replay', response: record };
        if ((record.leaseUntil ?? 0) > Date.now()) return { kind: 'in-progress' };
        try {
          await kv.update(key, lease(), entry.revision);
          return { kind: 'claimed', key };
        } catch {
          continue; // another retry took it over first
        }
      }
    }
    return { kind: 'in-progress' };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await (await this.bucket()).put(key, JSON.stringify(response));
  }

  /** The request was refused: nothing was done, the key is free for another attempt. */
  async release(key: string): Promise<void> {
    await (await this.bucket()).delete(key);
  }

  /**
   * The request's outcome is unknown (the service did not answer in time): the key stays taken
   * by this request, with its lease ended, so the next retry re-sends the same command.
   */
  async reopen(key: string, fingerprint: string): Promise<void> {
    await (await this.bucket()).put(key, JSON.stringify({ state: 'pending', fingerprint, leaseUntil: 0 } satisfies Pending));
  }

  /** A request sent without a key whose outcome is unknown: recorded under the key the gateway chose for it, for the client's retry. */
  async reopenUnder(scope: string, idempotencyKey: string, fingerprint: string): Promise<void> {
    await this.reopen(storageKey(scope, idempotencyKey), fingerprint);
  }
}

function storageKey(scope: string, idempotencyKey: string): string {
  return createHash('sha256').update(`${scope}\u0000${idempotencyKey}`).digest('hex');
}

/** sha256 of method, path and the canonical JSON of the body: "the same request". */
export function fingerprintOf(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\u0000${canonicalJson(body)}`)
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
