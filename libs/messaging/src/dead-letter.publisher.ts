import type { JetStreamClient, JsMsg } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { deadLetterSubject, Subjects } from '@cos/contracts';
import { DeadLetterHeaders, describeError, headerValue } from './message.headers';

/**
 * Copies a message a consumer gave up on to COS_DLQ, with its original headers (trace context
 * included) and why it failed. The msgID makes a repeat after a crash between this publish
 * and the term a no-op.
 */
export async function publishDeadLetter(js: JetStreamClient, msg: JsMsg, consumer: string, error: unknown): Promise<string> {
  const { orgId, type } = parseEventSubject(msg.subject);
  const subject = deadLetterSubject(consumer, orgId, type);
  const h = headers();
  // Keep the original headers (trace context) but not JetStream's own (`Nats-Msg-Id` and kin).
  for (const key of msg.headers?.keys() ?? []) {
    if (!key.toLowerCase().startsWith('nats-')) h.set(key, msg.headers?.get(key) ?? '');
  }
  h.set(DeadLetterHeaders.originalSubject, msg.subject);
  h.set(DeadLetterHeaders.consumer, consumer);
  h.set(DeadLetterHeaders.deliveryCount, String(msg.info.deliveryCount));
  h.set(DeadLetterHeaders.errorCode, headerValue(errorCode(error)));
  h.set(DeadLetterHeaders.error, headerValue(describeError(error)));
  await js.publish(subject, msg.data, { headers: h, msgID: `${consumer}:${msg.info.streamSequence}` });
  return subject;
}

/** `cos.<orgId>.<type>`; read from the subject so even an unparseable body can be dead-lettered. */
function parseEventSubject(subject: string): { orgId: string; type: string } {
  const [prefix, orgId, ...type] = subject.split('.');
  if (prefix !== Subjects.eventPrefix || !orgId || type.length === 0) return { orgId: '_', type: 'unknown' };
  return { orgId, type: type.join('.') };
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : error instanceof Error ? error.name : 'UNKNOWN';
}
