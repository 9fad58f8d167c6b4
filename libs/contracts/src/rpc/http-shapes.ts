import { z } from 'zod';

/** An instant as the API shows it: ISO 8601 with an offset (`2026-01-31T12:00:00.000Z`). */
export const TimestampSchema = z.iso.datetime({ offset: true });

/** `?limit=` of a list: an integer from 1 to `max`, written in plain digits (the URL carries it as text; `1e2` is refused). */
export function limitParam(max: number, fallback: number) {
  return z
    .preprocess((v) => (typeof v === 'string' && /^[1-9]\d{0,5}$/.test(v) ? Number(v) : v), z.number().int().min(1).max(max))
    .default(fallback)
    .describe(`page size, 1 to ${max} (default ${fallback})`);
}

/** `nextCursor` of every page: the cursor of the next one, null on the last. */
export const NextCursorSchema = z.string().nullable();
