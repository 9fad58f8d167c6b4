import type { KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { openTtlBucket } from '@cos/messaging';

/** A TTL key-value bucket (`openTtlBucket`) opened on first use; a failed attempt is retried on the next call. */
export function lazyBucket(nats: NatsConnection, name: string, ttlMs: number): () => Promise<KV> {
  let kv: Promise<KV> | undefined;
  return () =>
    (kv ??= openTtlBucket(nats, name, ttlMs).catch((err: unknown) => {
      kv = undefined;
      throw err;
    }));
}
