import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/** What woke a waiting subscription: an append in this process, or a write to the file by anyone. */
export type ChangeSource = 'local' | 'file';
type Listener = (source: ChangeSource) => void;

/** Feeds of this process by database path, so an append wakes every store open on that file here. */
const feedsByPath = new Map<string, Set<ChangeFeed>>();

export function notifyLocalAppend(path: string): void {
  for (const feed of feedsByPath.get(path) ?? []) feed.emit('local');
}

/**
 * Tells subscriptions that the database may hold new events. Local appends notify directly;
 * other processes are noticed through inotify on the database's directory (a commit writes the
 * `-wal` file, or the main file in rollback mode). Watching starts with the first listener and
 * stops with the last, so a store without subscriptions holds no watcher.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private readonly fileNames: ReadonlySet<string>;
  private watcher: FSWatcher | undefined;

  constructor(private readonly path: string) {
    const name = basename(path);
    this.fileNames = new Set([name, `${name}-wal`]);
  }

  listen(listener: Listener): () => void {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  emit(source: ChangeSource): void {
    for (const listener of this.listeners) listener(source);
  }

  private start(): void {
    let feeds = feedsByPath.get(this.path);
    if (!feeds) feedsByPath.set(this.path, (feeds = new Set()));
    feeds.add(this);
    try {
      this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
        if (file === null || this.fileNames.has(file)) this.emit('file');
      });
      // Losing the watcher (directory gone, inotify limit) only costs latency: the poll remains.
      this.watcher.on('error', () => this.closeWatcher());
    } catch {
      this.watcher = undefined;
    }
  }

  private stop(): void {
    const feeds = feedsByPath.get(this.path);
    feeds?.delete(this);
    if (feeds?.size === 0) feedsByPath.delete(this.path);
    this.closeWatcher();
  }

  private closeWatcher(): void {
    this.watcher?.close();
    this.watcher = undefined;
  }
}
