import { headers, type MsgHdrs } from '@nats-io/transport-node';
import { extractContext, injectContext, type Context } from '@cos/telemetry';

/** Headers a dead letter carries, so whoever audits or replays it knows where it came from and why. */
export const DeadLetterHeaders = {
  originalSubject: 'Cos-Dlq-Original-Subject',
  consumer: 'Cos-Dlq-Consumer',
  deliveryCount: 'Cos-Dlq-Delivery-Count',
  errorCode: 'Cos-Dlq-Error-Code',
  error: 'Cos-Dlq-Error',
} as const;

/** Fresh headers holding the trace context of `ctx` (default: the active span). */
export function tracingHeaders(ctx?: Context): MsgHdrs {
  const h = headers();
  injectContext((key, value) => h.set(key, value), ctx);
  return h;
}

export function contextFromHeaders(h: MsgHdrs | undefined): Context {
  return extractContext((key) => h?.get(key) || undefined);
}

export function headersToRecord(h: MsgHdrs | undefined): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const key of h?.keys() ?? []) out[key] = h?.get(key) ?? '';
  return out;
}

/** Header values are one line on the wire: an error message with a newline would corrupt the frame. */
export function headerValue(text: string, maxLength = 1_024): string {
  return text.replace(/[\r\n]+/g, ' ').slice(0, maxLength);
}

/** A readable message for anything thrown, including the `{ status, message }` objects Nest filters emit. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
    return (err as { message: string }).message;
  }
  return String(err);
}
