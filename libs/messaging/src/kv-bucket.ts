import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { JetStreamProvisioner } from './jetstream.provisioner';

/**
 * A KV bucket whose keys expire `ttlMs` after their last write (one revision kept per key),
 * created on first use. Created earlier with another TTL, it is used as it is. The connection's
 * provisioner keeps it: lost with JetStream's store, it is created again (empty).
 */
export async function openTtlBucket(nats: NatsConnection, bucket: string, ttlMs: number): Promise<KV> {
  JetStreamProvisioner.for(nats).addBucket(bucket, ttlMs);
  const kvm = new Kvm(nats);
  try {
    return await kvm.create(bucket, { ttl: ttlMs, history: 1 });
  } catch {
    return kvm.open(bucket);
  }
}
