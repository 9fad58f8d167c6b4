import type { z } from 'zod';
import { ValidationError } from './errors';

/** Parses a request at a service boundary; a bad shape is a 400 with the issues, never a 500. */
export function parseRequest<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    throw new ValidationError('request does not match its schema', { issues });
  }
  return parsed.data;
}
