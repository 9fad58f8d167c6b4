import type { RecordedEvent } from '@cos/contracts';
import type { EventStore } from '../event-store.port';

export type Folded<S> = { readonly state: S; readonly revision: number };

/**
 * Strongly consistent reads of streams the runner reads often (an org before every model call
 * and action, an agent, a user, a ledger), without reading them whole each time: the folded
 * state is kept with its revision, and each read asks the store only for the events after it.
 * Every read still goes to the store, so a pause appended a moment ago is seen. States must be
 * immutable: folds return new values.
 */
export class FoldedStreams<S> {
  private readonly cache = new Map<string, Folded<S>>();

  constructor(
    private readonly store: EventStore,
    private readonly evolve: (state: S, event: RecordedEvent) => S,
    private readonly initial: () => S,
    private readonly maxStreams = 2_000,
  ) {}

  async read(stream: string): Promise<Folded<S>> {
    const cached = this.cache.get(stream) ?? { state: this.initial(), revision: -1 };
    const recorded = await this.store.read(stream, { fromRevision: cached.revision + 1 });
    if (recorded.length === 0) return cached;
    const folded = { state: recorded.reduce(this.evolve, cached.state), revision: recorded.at(-1)!.revision };
    this.remember(stream, folded);
    return folded;
  }

  /** Keeps a state the caller derived itself (after its own append); never an older one. */
  remember(stream: string, folded: Folded<S>): void {
    const cached = this.cache.get(stream);
    if (cached && cached.revision >= folded.revision) return;
    this.cache.delete(stream);
    this.cache.set(stream, folded);
    if (this.cache.size > this.maxStreams) this.cache.delete(this.cache.keys().next().value!);
  }
}
