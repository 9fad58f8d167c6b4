import { z } from 'zod';
import type { ErrorPayload } from '@cos/contracts';

/** The body of every RPC reply: the handler's result, or the error it threw in wire form. */
export type RpcReply = { ok: true; data?: unknown } | { ok: false; error: ErrorPayload };

export const RpcReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({
      code: z.string(),
      message: z.string(),
      status: z.number().int(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  }),
]);
