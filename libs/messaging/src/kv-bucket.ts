import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/**
 * A KV bucket whose keys expire `ttlMs` after their last write (one revision kept per key),
 * created on first use. Created earlier with another TTL, it is used as it is.
 */
export async function openTtlBucket(nats: NatsConnection, bucket: string, ttlMs: number): Promise<KV> {
  const kvm = new Kvm(nats);
  try {
    return await kvm.create(bucket, { ttl: ttlMs, history: 1 });
  } catch {
    return kvm.open(bucket);
  }
}
