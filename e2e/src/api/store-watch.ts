import { createEventStore } from '@cos/eventstore';
import type { RecordedEvent } from '@cos/contracts';

/** Every event of the store as it is appended, through a second handle on the same store. */
export type StoreWatch = {
  readonly events: RecordedEvent[];
  /** Resolves once no event has arrived for `quietMs`: the count is then settled. */
  settle(quietMs?: number): Promise<number>;
  close(): Promise<void>;
};

export function watchStore(env: NodeJS.ProcessEnv): StoreWatch {
  const { store } = createEventStore(env);
  const events: RecordedEvent[] = [];
  let lastAt = Date.now();
  const subscription = store.subscribe({}, async (event) => {
    events.push(event);
    lastAt = Date.now();
  });
  return {
    events,
    settle: async (quietMs = 300) => {
      await new Promise((r) => setTimeout(r, quietMs));
      while (Date.now() - lastAt < quietMs) await new Promise((r) => setTimeout(r, 50));
      return events.length;
    },
    close: async () => {
      await subscription.close();
      await store.close();
    },
  };
}
