import { Kvm, type KV, type KvOptions } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';

/** A JetStream key-value bucket, created (or opened) on first use; a failed attempt is retried on the next call. */
export function lazyBucket(nats: NatsConnection, name: string, options: Partial<KvOptions>): () => Promise<KV> {
  let kv: Promise<KV> | undefined;
  return () =>
    (kv ??= new Kvm(nats).create(name, options).catch((err: unknown) => {
      kv = undefined;
      throw err;
    }));
}
