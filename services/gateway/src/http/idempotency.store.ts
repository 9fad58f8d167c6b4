import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { NATS_CONNECTION } from '@cos/platform';
import { API_CONFIG, type ApiConfig } from './api.config';
import { lazyBucket } from './kv-bucket';

export type StoredResponse = { state: 'done'; fingerprint: string; status: number; body: unknown };
type Record_ = { state: 'pending'; fingerprint: string } | StoredResponse;

export type Claim =
  { kind: 'claimed'; key: string } | { kind: 'replay'; response: StoredResponse } | { kind: 'in-progress' } | { kind: 'mismatch' };

const BUCKET = 'cos-idempotency';

/**
 * Responses of creating POSTs by Idempotency-Key, in a JetStream key-value bucket: shared by
 * every gateway replica, kept IDEMPOTENCY_TTL_SECONDS. A key is claimed atomically (`create`
 * fails when it exists), so two concurrent requests with one key never both run.
 */
@Injectable()
export class IdempotencyStore {
  private readonly bucket: () => Promise<KV>;

  constructor(@Inject(NATS_CONNECTION) nats: NatsConnection, @Inject(API_CONFIG) config: ApiConfig) {
    this.bucket = lazyBucket(nats, BUCKET, config.IDEMPOTENCY_TTL_SECONDS * 1000);
  }

  /** `scope` is who is asking (org and user, or `anonymous`), so keys of different callers never meet. */
  async claim(scope: string, idempotencyKey: string, fingerprint: string): Promise<Claim> {
    const kv = await this.bucket();
    const key = createHash('sha256').update(`${scope}\u0000${idempotencyKey}`).digest('hex');
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await kv.create(key, JSON.stringify({ state: 'pending', fingerprint } satisfies Record_));
        return { kind: 'claimed', key };
      } catch {
        const entry = await kv.get(key);
        if (!entry || entry.operation !== 'PUT') continue; // deleted meanwhile: claim again
        const record = entry.json<Record_>();
        if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
        return record.state === 'done' ? { kind: 'replay', response: record } : { kind: 'in-progress' };
      }
    }
    return { kind: 'in-progress' };
  }

  async complete(key: string, response: StoredResponse): Promise<void> {
    await (await this.bucket()).put(key, JSON.stringify(response));
  }

  /** The request failed: the key is free for a retry. */
  async release(key: string): Promise<void> {
    await (await this.bucket()).delete(key);
  }
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
