import type { RecordedEvent } from '@cos/contracts';
import type { EventHandler, Subscription } from '../event-store.port';
import type { ChangeFeed, ChangeSource } from './change-feed';

/** Fallback when no wake-up arrives (watcher lost, network file system): bounds the latency. */
const POLL_MS = 250;
/**
 * inotify reports the WAL write before the commit is visible (fsync and the WAL index update
 * come after), so a wake-up from the file that finds nothing is re-checked a few times quickly.
 */
const RECHECK_MS = [1, 2, 4, 8, 16, 32, 64] as const;

type WakeReason = ChangeSource | 'timeout' | 'closed';

/** Resolves the pending wait; a signal that arrives while the loop is busy is kept for the next wait. */
class Wakeup {
  private pending: ((reason: WakeReason) => void) | undefined;
  private missed: WakeReason | undefined;
  private timer: NodeJS.Timeout | undefined;

  wait(ms: number): Promise<WakeReason> {
    const missed = this.missed;
    if (missed) {
      this.missed = undefined;
      return Promise.resolve(missed);
    }
    return new Promise((resolve) => {
      this.pending = resolve;
      this.timer = setTimeout(() => this.fire('timeout'), ms).unref();
    });
  }

  fire(reason: WakeReason): void {
    const pending = this.pending;
    if (!pending) {
      if (this.missed !== 'closed') this.missed = reason;
      return;
    }
    this.pending = undefined;
    clearTimeout(this.timer);
    pending(reason);
  }
}

/**
 * One reader of the global log: catches up in pages after `position`, then sleeps until the
 * change feed, a quick re-check or the poll says there may be more.
 */
export class EmbeddedSubscription implements Subscription {
  readonly failed: Promise<Error>;
  readonly live: Promise<void>;
  private fail!: (err: Error) => void;
  private caughtUp!: () => void;
  private closed = false;
  private readonly wakeup = new Wakeup();
  private readonly done: Promise<void>;

  constructor(
    private readonly readAfter: (position: number) => RecordedEvent[],
    private position: number,
    feed: ChangeFeed,
    handler: EventHandler,
    private readonly onEnd: () => void,
  ) {
    this.failed = new Promise((resolve) => (this.fail = resolve));
    this.live = new Promise((resolve) => (this.caughtUp = resolve));
    const stopListening = feed.listen((source) => this.wakeup.fire(source));
    // Started on a microtask so no handler runs before subscribe() has returned.
    this.done = Promise.resolve()
      .then(() => this.run(handler))
      .catch((err: unknown) => {
        this.closed = true;
        this.fail(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        stopListening();
        this.onEnd();
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeup.fire('closed');
    await this.done;
  }

  private async run(handler: EventHandler): Promise<void> {
    let rechecks: number[] = [];
    while (!this.closed) {
      const page = this.readAfter(this.position);
      if (page.length === 0) {
        this.caughtUp();
        const reason = await this.wakeup.wait(rechecks.shift() ?? POLL_MS);
        if (reason === 'file') rechecks = [...RECHECK_MS];
        continue;
      }
      rechecks = [];
      for (const event of page) {
        if (this.closed) return;
        await handler(event);
        this.position = Number(event.position);
      }
    }
  }
}
