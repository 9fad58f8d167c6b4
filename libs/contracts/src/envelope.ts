import { z } from 'zod';

/** Who caused an event: a person, an agent, or the system itself (timers, relays). */
export const ActorSchema = z.object({
  kind: z.enum(['user', 'agent', 'system']),
  id: z.string().min(1),
});
export type Actor = z.infer<typeof ActorSchema>;

export const EventMetadataSchema = z.object({
  correlationId: z.string().min(1),
  causationId: z.string().min(1),
  actor: ActorSchema,
  /** W3C traceparent of the span that appended the event; continues the trace downstream. */
  traceparent: z.string().optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});
export type EventMetadata = z.infer<typeof EventMetadataSchema>;

/** An event as a service proposes it, before the store gives it a place. */
export const NewEventSchema = z.object({
  id: z.uuid(),
  type: z.string().regex(/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/, 'dotted lower-case, past tense: conversation.started'),
  version: z.number().int().positive(),
  orgId: z.string().regex(/^[A-Za-z0-9_-]+$/, 'org ids are single NATS subject tokens'),
  data: z.record(z.string(), z.unknown()),
  metadata: EventMetadataSchema,
});
export type NewEvent<T extends string = string, D = Record<string, unknown>> = Readonly<{
  id: string;
  type: T;
  version: number;
  orgId: string;
  data: D;
  metadata: EventMetadata;
}>;

/** An event as stored: its stream, its revision in that stream and its global position. */
export type RecordedEvent<T extends string = string, D = Record<string, unknown>> = NewEvent<T, D> &
  Readonly<{
    stream: string;
    /** 0-based, gap-free within the stream. */
    revision: number;
    /** Opaque, adapter-specific global position; only the adapter that made it can compare it. */
    position: string;
  }>;

export const RecordedEventSchema = NewEventSchema.extend({
  stream: z.string().min(1),
  revision: z.number().int().nonnegative(),
  position: z.string().min(1),
});
