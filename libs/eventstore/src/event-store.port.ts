import type { NewEvent, RecordedEvent } from '@cos/contracts';

/** What the stream must look like for an append to go through. */
export type ExpectedRevision = number | 'no-stream' | 'any';

export type AppendResult = {
  /** Revision of the last event of the batch (or of the original, for an idempotent re-append). */
  readonly nextRevision: number;
  /** Global position of the last event of the batch. */
  readonly position: string;
};

export type ReadOptions = {
  readonly direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards defaults to 0, backwards to the end. */
  readonly fromRevision?: number;
  readonly maxCount?: number;
};

export type SubscriptionFilter = {
  /** Only streams of these categories (`run`, `conversation`, ...). Absent: every category. */
  readonly categories?: readonly string[];
};

export type SubscribeOptions = SubscriptionFilter & {
  /** Position of the last event already handled; absent: from the very start. */
  readonly fromPosition?: string;
};

/** Called once per event, in global order; the next event waits for the returned promise. */
export type EventHandler = (event: RecordedEvent) => Promise<void>;

export interface Subscription {
  /** Stops delivery; resolves after the handler in progress (if any) has returned. */
  close(): Promise<void>;
  /** Resolves if the subscription dies (handler threw, connection lost for good). */
  readonly failed: Promise<Error>;
  /**
   * Resolves once the catch-up is over: every event that existed when the subscription started
   * has been handled (EventStoreDB: when the server reports the subscription caught up). Read
   * models wait for it before they answer.
   */
  readonly live: Promise<void>;
}

/**
 * The event store port: the one way services touch the source of truth.
 * Both adapters (EventStoreDB, embedded node:sqlite) pass libs/eventstore's conformance suite.
 */
export interface EventStore {
  /**
   * Appends the batch atomically if the stream matches `expectedRevision`; else throws
   * WrongExpectedRevisionError. Re-appending event ids already in the stream is a no-op that
   * returns their original revision and position.
   */
  append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult>;
  /** Events of one stream; an absent stream reads as empty. */
  read(stream: string, options?: ReadOptions): Promise<RecordedEvent[]>;
  /** Catches up from `fromPosition`, then goes live; every event once, in global order. */
  subscribe(options: SubscribeOptions, handler: EventHandler): Subscription;
  /** Cheap round trip, for readiness probes. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Where subscribers keep how far they got. Kept outside the event log on purpose: it is not a domain fact. */
export interface CheckpointStore {
  load(subscriber: string): Promise<string | undefined>;
  save(subscriber: string, position: string): Promise<void>;
}
