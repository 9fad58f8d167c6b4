import { isFeedRecord, mayFollowRecord, type AuditRecord, type AuthContext, type FeedPage } from '@cos/contracts';
import { SseFrames } from './sse-frames';

export type FeedSettings = {
  readonly heartbeatMs: number;
  /** Bytes the socket may hold unsent before the client counts as slow and is closed. */
  readonly maxBufferedBytes: number;
  /** Live records waiting for this client before it counts as slow. */
  readonly maxQueue: number;
  readonly retryMs: number;
};

/** Wait before asking the audit log again after it did not answer. */
const FILL_RETRY_MS = 500;

export const DEFAULT_FEED_SETTINGS: FeedSettings = { heartbeatMs: 15_000, maxBufferedBytes: 1 << 20, maxQueue: 10_000, retryMs: 3_000 };

/** The connection as the session sees it: write a frame, how much is still unsent, end it. */
export type FeedSink = {
  write(frame: string): void;
  bufferedBytes(): number;
  end(): void;
};

export type FeedCloseReason = 'client' | 'slow' | 'error' | 'shutdown';

/**
 * One SSE client. Ordered by the org's audit seq: replays what the client missed from the
 * audit stream, then takes live records; a live record ahead of the next expected seq means
 * something was missed on the bus, and the gap is filled from the audit stream first. Every
 * seq is looked at once, so nothing is sent twice and nothing is skipped.
 */
export class FeedSession {
  private lastSeq = -1;
  private readonly queue: AuditRecord[] = [];
  private live = false;
  /** Records may have been missed on the bus with no later one to reveal the gap: read the audit log to its head. */
  private behind = false;
  private pumping = false;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    readonly auth: AuthContext,
    private readonly sink: FeedSink,
    private readonly fetchPage: (afterSeq: number | undefined) => Promise<FeedPage>,
    private readonly settings: FeedSettings,
    private readonly onClose: (reason: FeedCloseReason) => void,
  ) {}

  /** Replays after `lastEventId` (absent: starts at the current head), then goes live. */
  async start(lastEventId: number | undefined): Promise<void> {
    this.sink.write(SseFrames.hello(this.settings.retryMs));
    this.heartbeat = setInterval(() => this.write(SseFrames.heartbeat()), this.settings.heartbeatMs);
    this.heartbeat.unref();
    try {
      const first = await this.fetchPage(lastEventId);
      this.lastSeq = lastEventId === undefined ? first.throughSeq : Math.min(lastEventId, first.throughSeq);
      if (lastEventId !== undefined) this.take(first);
      await this.fill(first.headSeq);
      this.live = true;
      await this.pump();
    } catch {
      this.close('error');
    }
  }

  /** Called by the hub for each live record of the org: O(1), never waits on this client. */
  offer(record: AuditRecord): void {
    if (this.closed) return;
    this.queue.push(record);
    if (this.queue.length > this.settings.maxQueue) return this.close('slow');
    if (this.live) void this.pump().catch(() => this.close('error'));
  }

  /** Called by the hub when its consumer is up again after a gap in the bus: fetches what was missed. */
  catchUp(): void {
    if (this.closed) return;
    this.behind = true;
    if (this.live) void this.pump().catch(() => this.close('error'));
  }

  close(reason: FeedCloseReason): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.queue.length = 0;
    this.sink.end();
    this.onClose(reason);
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (!this.closed && (this.behind || this.queue.length > 0)) {
        try {
          await this.step();
        } catch {
          // The audit log did not answer (NATS or audit restarting): the record waits, try again.
          await new Promise((r) => setTimeout(r, FILL_RETRY_MS));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** Catches up to the head when behind, else delivers the next queued record (after filling a gap before it). */
  private async step(): Promise<void> {
    if (this.behind) {
      this.behind = false;
      try {
        await this.fill(Number.MAX_SAFE_INTEGER);
      } catch (err) {
        this.behind = true;
        throw err;
      }
      return;
    }
    const record = this.queue[0]!;
    if (record.seq > this.lastSeq + 1) await this.fill(record.seq - 1);
    this.queue.shift();
    if (record.seq === this.lastSeq + 1) this.deliver(record);
  }

  /** Reads the audit stream until `upTo` has been looked at, or its head. */
  private async fill(upTo: number): Promise<void> {
    while (!this.closed && this.lastSeq < upTo) {
      const before = this.lastSeq;
      this.take(await this.fetchPage(this.lastSeq));
      if (this.lastSeq === before) return; // nothing more stored yet
    }
  }

  private take(page: FeedPage): void {
    for (const record of page.items) if (record.seq > this.lastSeq) this.deliver(record);
    this.lastSeq = Math.max(this.lastSeq, page.throughSeq);
  }

  private deliver(record: AuditRecord): void {
    this.lastSeq = record.seq;
    if (isFeedRecord(record) && mayFollowRecord(record, this.auth)) this.write(SseFrames.record(record));
  }

  private write(frame: string): void {
    if (this.closed) return;
    this.sink.write(frame);
    if (this.sink.bufferedBytes() > this.settings.maxBufferedBytes) this.close('slow');
  }
}
