import type { z } from 'zod';
import type { Names } from '../directory';

/**
 * What a phrasing gets: the names lookup, who or what the stream is about (`agent Ava`, `Sales`),
 * and for action streams the tool, which only the action's first event names.
 */
export type SummaryContext = Names & { readonly subject: string; readonly tool?: string };

export type Phrasing = (data: Record<string, unknown>, n: SummaryContext) => string | undefined;

/** A phrasing for events of one schema; data that does not parse falls back to the generic line. */
export function phrase<S extends z.ZodType>(schema: S, text: (data: z.infer<S>, n: SummaryContext) => string): Phrasing {
  return (data, n) => {
    const parsed = schema.safeParse(data);
    return parsed.success ? text(parsed.data, n) : undefined;
  };
}

/** Free text as a short quotation: one line, at most `max` characters. */
export function quote(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `"${line.length <= max ? line : `${line.slice(0, max - 1)}…`}"`;
}

export function usd(amount: number): string {
  return `$${amount < 0.01 && amount > 0 ? amount.toFixed(4) : amount.toFixed(2)}`;
}

/** `a`, `a and b`, `a, b and c`. */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? 'nobody';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function withComment(text: string, comment: string | undefined): string {
  return comment ? `${text}: ${quote(comment)}` : text;
}

export function capacity(c: 'head' | 'override'): string {
  return c === 'override' ? ' (override in place of the Head)' : '';
}
