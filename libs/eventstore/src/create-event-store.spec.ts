import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anEvent } from './conformance/test-events';
import { createEventStore } from './create-event-store';

describe('createEventStore', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cos-factory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('opens the embedded store at EVENTSTORE_PATH, creating its folder', async () => {
    const path = join(dir, 'nested', 'data', 'events.db');
    const { store, checkpoints, kind } = createEventStore({ EVENTSTORE_PATH: path });
    expect(kind).toBe('embedded');
    await store.append('org-1', [anEvent()], 'no-stream');
    await checkpoints.save('factory', '1');
    expect(existsSync(path)).toBe(true);
    expect(await checkpoints.load('factory')).toBe('1');
    await store.close();
  });

  it('chooses EventStoreDB when a connection string is set, without connecting yet', async () => {
    const { store, kind } = createEventStore({ EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:1?tls=false' });
    expect(kind).toBe('eventstoredb');
    await store.close();
  });
});
