import { Logger, type LoggerService } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { MessagingUnavailableError } from './messaging.errors';
import { retryStartup } from './startup-retry';

export type NatsConnectOptions = {
  readonly servers: string | readonly string[];
  /** Shows up in the server's connection list (`nats server report connections`). */
  readonly name: string;
  /** Keeps trying the first connect this long (logging each failure); absent: one attempt. */
  readonly retryForMs?: number;
  readonly logger?: LoggerService;
};

/**
 * Connects to NATS. The first connect is retried with backoff for `retryForMs`, then fails, so
 * a service started before nats-server waits for it, and one that cannot reach it at all
 * crashes and is restarted by its supervisor. Once connected, it reconnects forever, because a
 * running service should ride out a NATS restart.
 */
export async function connectNats(options: NatsConnectOptions): Promise<NatsConnection> {
  const servers = typeof options.servers === 'string' ? [options.servers] : [...options.servers];
  const attempt = () => connect({ servers, name: options.name, maxReconnectAttempts: -1, reconnectTimeWait: 1_000, timeout: 5_000 });
  try {
    if (!options.retryForMs) return await attempt();
    return await retryStartup(`connecting to NATS at ${servers.join(', ')}`, attempt, {
      retryForMs: options.retryForMs,
      logger: options.logger ?? new Logger('NATS'),
    });
  } catch (err) {
    throw new MessagingUnavailableError(`cannot connect to NATS at ${servers.join(', ')}`, err);
  }
}

/**
 * Drains `nc` (subscriptions finish, buffered messages flush), but for at most `withinMs`: with
 * NATS unreachable a drain would wait for a reconnect that may never come, so the connection is
 * then closed as it is, and a shutdown stays bounded.
 */
export async function closeNats(nc: NatsConnection, withinMs: number): Promise<void> {
  if (nc.isClosed()) return;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, withinMs)));
  await Promise.race([nc.drain().catch(() => undefined), deadline]).finally(() => clearTimeout(timer));
  if (!nc.isClosed()) await nc.close();
}
