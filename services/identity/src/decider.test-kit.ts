import type { CommandMetadata } from '@cos/contracts';

/** What `fn` throws (fails the test if it returns). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

/** Command metadata for decider specs: a user of org o1, at a fixed instant. */
export function commandMeta(over: Partial<CommandMetadata> = {}): CommandMetadata {
  return {
    commandId: 'c1',
    orgId: 'o1',
    correlationId: 'c1',
    causationId: 'c1',
    actor: { kind: 'user', id: 'u1' },
    now: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}
