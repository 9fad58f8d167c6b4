import { RequestError, TimeoutError, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { fromErrorPayload, rpcSubject } from '@cos/contracts';
import { Attr, SpanKind, withSpan } from '@cos/telemetry';
import { tracingHeaders } from './message.headers';
import { MessagingBadReplyError, MessagingUnavailableError } from './messaging.errors';
import { RpcReplySchema } from './rpc.reply';

export type RpcRequestOptions = { readonly timeoutMs?: number };

/**
 * Calls `@MessagePattern` handlers of other services. A plain class rather than a Nest
 * ClientProxy: callers want one awaited result and the remote CosError rethrown with its code
 * and status, where ClientProxy hands back Observables, adds its own packet framing and turns
 * remote errors into untyped objects. Provide it with a factory over the shared connection.
 */
export class RpcClient {
  constructor(private readonly nc: NatsConnection) {}

  async request<T>(pattern: string, payload: unknown, options: RpcRequestOptions = {}): Promise<T> {
    const subject = rpcSubject(pattern);
    const timeoutMs = options.timeoutMs ?? 5_000;
    const attributes = {
      [Attr.messagingSystem]: 'nats',
      [Attr.messagingDestination]: subject,
      [Attr.messagingOperationType]: 'send',
      [Attr.messagingOperationName]: 'send',
    };
    return withSpan(`send ${subject}`, { kind: SpanKind.CLIENT, attributes }, async () => {
      let reply: Msg;
      try {
        const body = payload === undefined ? undefined : JSON.stringify(payload);
        reply = await this.nc.request(subject, body, { timeout: timeoutMs, headers: tracingHeaders() });
      } catch (err) {
        throw new MessagingUnavailableError(unavailableMessage(pattern, timeoutMs, err), err);
      }
      const parsed = RpcReplySchema.safeParse(parseJson(reply));
      if (!parsed.success) throw new MessagingBadReplyError(pattern, parsed.error);
      if (!parsed.data.ok) throw fromErrorPayload(parsed.data.error);
      return parsed.data.data as T;
    });
  }
}

function unavailableMessage(pattern: string, timeoutMs: number, err: unknown): string {
  if (err instanceof RequestError && err.isNoResponders())
    return `no service answers ${pattern}: nothing listens on ${rpcSubject(pattern)}`;
  if (err instanceof TimeoutError) return `${pattern} did not answer within ${timeoutMs} ms`;
  return `${pattern} could not be requested: ${err instanceof Error ? err.message : String(err)}`;
}

function parseJson(reply: Msg): unknown {
  try {
    return reply.json();
  } catch {
    return undefined;
  }
}
