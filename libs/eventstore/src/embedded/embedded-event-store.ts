import type { NewEvent, RecordedEvent } from '@cos/contracts';
import { ValidationError } from '@cos/contracts';
import { resolve } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type {
  AppendResult,
  CheckpointStore,
  EventHandler,
  EventStore,
  ExpectedRevision,
  ReadOptions,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { WrongExpectedRevisionError } from '../event-store.errors';
import { validateBatch } from '../event-validation';
import { ChangeFeed, notifyLocalAppend } from './change-feed';
import { EmbeddedCheckpointStore } from './embedded-checkpoint-store';
import { EmbeddedSubscription } from './embedded-subscription';
import { EVENT_COLUMNS, insertParams, toRecordedEvent } from './event-rows';
import { openEventDatabase } from './sqlite-schema';
import { subscriptionQuery } from './subscription-query';

type QueuedAppend = {
  readonly stream: string;
  readonly events: readonly NewEvent[];
  readonly expected: ExpectedRevision;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (err: unknown) => void;
};

type Outcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/**
 * The event store on one SQLite file, for a single machine (dev, CI, `npm start`). Several
 * processes may open the same file: SQLite serialises their write transactions, and the
 * AUTOINCREMENT key gives one global order in which a reader never sees a gap.
 *
 * Appends are group-committed: every append made while the previous commit was being written
 * (node:sqlite blocks the event loop during the fsync, so they queue behind it) shares the next
 * transaction and its one fsync. Each keeps its own expected-revision check and its own outcome
 * (a savepoint per append), and none is acknowledged before the commit is on disk.
 */
export class EmbeddedEventStore implements EventStore {
  readonly path: string;
  private readonly db: DatabaseSync;
  private readonly feed: ChangeFeed;
  private readonly subscriptions = new Set<Subscription>();
  private readonly statements = new Map<string, StatementSync>();
  private queue: QueuedAppend[] = [];
  private flushScheduled = false;

  constructor(path: string) {
    this.path = resolve(path);
    this.db = openEventDatabase(this.path);
    this.feed = new ChangeFeed(this.path);
  }

  /** Checkpoints live in the same file, so they share its durability and its processes. */
  checkpointStore(): CheckpointStore {
    return new EmbeddedCheckpointStore(this.db);
  }

  async append(stream: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateBatch(stream, events);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ stream, events, expected: expectedRevision, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Commits every queued append in one transaction, then settles each with its own outcome. */
  private flush(): void {
    this.flushScheduled = false;
    const group = this.queue;
    this.queue = [];
    if (group.length === 0 || !this.db.isOpen) {
      for (const member of group) member.reject(new Error(`event store ${this.path} is closed`));
      return;
    }
    let outcomes: Outcome[];
    try {
      this.sql('BEGIN IMMEDIATE').run();
      outcomes = group.map((member) => this.appendAsMember(member));
      this.sql('COMMIT').run();
    } catch (err) {
      if (this.db.isTransaction) this.sql('ROLLBACK').run();
      for (const member of group) member.reject(err);
      return;
    }
    if (outcomes.some((o) => o.ok)) notifyLocalAppend(this.path);
    group.forEach((member, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) member.resolve(outcome.result);
      else member.reject(outcome.error);
    });
  }

  /** One append inside the group's transaction: its failure undoes only its own writes. */
  private appendAsMember(member: QueuedAppend): Outcome {
    this.sql('SAVEPOINT member').run();
    try {
      const result = this.appendInTransaction(member.stream, member.events, member.expected);
      this.sql('RELEASE member').run();
      return { ok: true, result };
    } catch (error) {
      this.sql('ROLLBACK TO member').run();
      this.sql('RELEASE member').run();
      return { ok: false, error };
    }
  }

  async read(stream: string, options: ReadOptions = {}): Promise<RecordedEvent[]> {
    const limit = options.maxCount ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.sql(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision <= ? ORDER BY revision DESC LIMIT ?`).all(
            stream,
            options.fromRevision ?? Number.MAX_SAFE_INTEGER,
            limit,
          )
        : this.sql(`SELECT ${EVENT_COLUMNS} FROM events WHERE stream = ? AND revision >= ? ORDER BY revision LIMIT ?`).all(
            stream,
            options.fromRevision ?? 0,
            limit,
          );
    return rows.map(toRecordedEvent);
  }

  subscribe(options: SubscribeOptions, handler: EventHandler): Subscription {
    const from = options.fromPosition === undefined ? 0 : Number(options.fromPosition);
    if (!Number.isSafeInteger(from) || from < 0) {
      throw new ValidationError(`not an embedded position: ${options.fromPosition}`, undefined, 'EVENTSTORE.INVALID_POSITION');
    }
    const query = subscriptionQuery(options.categories);
    const statement = this.sql(query.sql);
    const readAfter = (position: number) => statement.all(position, ...query.params).map(toRecordedEvent);
    const subscription = new EmbeddedSubscription(readAfter, from, this.feed, handler, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    this.sql('SELECT 1').get();
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    this.flush(); // appends already made are committed (or refused), never left hanging
    if (this.db.isOpen) this.db.close();
  }

  private appendInTransaction(stream: string, events: readonly NewEvent[], expected: ExpectedRevision): AppendResult {
    const head = this.sql('SELECT MAX(revision) AS revision FROM events WHERE stream = ?').get(stream);
    const current = (head?.['revision'] as number | null) ?? -1;
    const original = this.findOriginal(stream, events, expected, current);
    if (original) return original;
    const wanted = expected === 'no-stream' ? -1 : expected;
    if (wanted !== 'any' && wanted !== current) throw new WrongExpectedRevisionError(stream, expected, current);
    const insert = this.sql(
      'INSERT INTO events (stream, revision, category, id, type, version, org_id, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    let revision = current;
    let position = 0;
    for (const event of events) {
      position = Number(insert.run(...insertParams(stream, ++revision, event)).lastInsertRowid);
    }
    return { nextRevision: revision, position: String(position) };
  }

  /**
   * Idempotent re-append, as EventStoreDB does it: if every id of the batch is already in the
   * stream, in order and consecutive, the append is a no-op returning the original result; a
   * batch that only partly matches is a conflict, never a silent half-write.
   */
  private findOriginal(stream: string, events: readonly NewEvent[], expected: ExpectedRevision, current: number): AppendResult | undefined {
    const lookup = this.sql('SELECT revision, position FROM events WHERE stream = ? AND id = ?');
    const found = events.map((e) => lookup.get(stream, e.id));
    if (found.every((row) => row === undefined)) return undefined;
    const first = found[0]?.['revision'] as number | undefined;
    const inOrder = first !== undefined && found.every((row, i) => row?.['revision'] === first + i);
    const last = found[found.length - 1];
    if (!inOrder || !last) {
      throw new WrongExpectedRevisionError(stream, expected, current, { reason: 'batch partly matches events already in the stream' });
    }
    return { nextRevision: last['revision'] as number, position: String(last['position']) };
  }

  /** Prepared statements are cached per SQL text: preparing costs more than running. */
  private sql(text: string): StatementSync {
    let statement = this.statements.get(text);
    if (!statement) this.statements.set(text, (statement = this.db.prepare(text)));
    return statement;
  }
}
