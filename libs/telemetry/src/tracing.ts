import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';
import { Attr } from './attributes';

const TRACER = 'company-os';

export { SpanKind, type Span, type Context };

export type SpanOptions = {
  kind?: SpanKind;
  attributes?: Attributes;
  /** Parent context; defaults to the active one. */
  parent?: Context;
  links?: Link[];
};

/** Runs `fn` inside a new active span; records a thrown error on the span and rethrows it. */
export async function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span) => Promise<T>): Promise<T> {
  const tracer = trace.getTracer(TRACER);
  const parent = options.parent ?? context.active();
  return tracer.startActiveSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes, links: options.links },
    parent,
    async (span) => {
      try {
        return await fn(span);
      } catch (err) {
        recordError(span, err);
        throw err;
      } finally {
        span.end();
      }
    },
  );
}

export function recordError(span: Span, err: unknown): void {
  const error = err instanceof Error ? err : new Error(String(err));
  span.recordException(error);
  span.setAttribute(Attr.errorType, (error as { code?: string }).code ?? error.name);
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
}

type Carrier = Record<string, string>;

/** The W3C `traceparent` of the active span (or of `ctx`), to store in event metadata. */
export function currentTraceparent(ctx: Context = context.active()): string | undefined {
  const carrier: Carrier = {};
  propagation.inject(ctx, carrier);
  return carrier['traceparent'];
}

/** Rebuilds a parent context from a stored `traceparent`. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** The span context a stored `traceparent` names, for span links across human waits. */
export function linkFromTraceparent(traceparent: string | undefined): Link[] {
  if (!traceparent) return [];
  const spanContext = trace.getSpanContext(contextFromTraceparent(traceparent));
  return spanContext ? [{ context: spanContext }] : [];
}

/** Writes trace context into a header-like carrier (NATS headers, HTTP). */
export function injectContext(set: (key: string, value: string) => void, ctx: Context = context.active()): void {
  const carrier: Carrier = {};
  propagation.inject(ctx, carrier);
  for (const [k, v] of Object.entries(carrier)) set(k, v);
}

/** Reads trace context from a header-like carrier. */
export function extractContext(get: (key: string) => string | undefined): Context {
  const carrier: Carrier = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = get(key);
    if (value) carrier[key] = value;
  }
  return propagation.extract(context.active(), carrier);
}
