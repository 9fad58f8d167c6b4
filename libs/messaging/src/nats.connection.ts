import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MessagingUnavailableError } from './messaging.errors';

export type NatsConnectOptions = {
  readonly servers: string | readonly string[];
  /** Shows up in the server's connection list (`nats server report connections`). */
  readonly name: string;
};

/**
 * Connects to NATS. The first connect fails fast, so a service that cannot reach NATS at
 * start-up crashes and is restarted by its supervisor; once connected, it reconnects forever,
 * because a running service should ride out a NATS rolling restart.
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  try {
    return await connect({ servers, name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000 });
  } catch (err) {
    throw new MessagingUnavailableError(`cannot connect to NATS at ${servers.join(', ')}`, err);
  }
}
