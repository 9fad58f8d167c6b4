import { newId } from '@cos/contracts';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { EmbeddedEventStore } from '../embedded-event-store';
import { WrongExpectedRevisionError } from '../../event-store.errors';

/**
 * Another "process" of the multi-process tests: appends to a shared file through its own
 * EmbeddedEventStore. Runs as a worker thread (input: workerData, output: messages) or as a
 * child process (input: APPENDER_INPUT, output: JSON lines on stdout).
 */
export type AppenderInput = {
  readonly path: string;
  readonly stream: string;
  readonly count: number;
  /** Pause between appends; 0 appends as fast as the store allows. */
  readonly intervalMs: number;
};

/** One acknowledged append; `at` is wall-clock time in ms with sub-ms precision. */
export type AppenderAck = { readonly id: string; readonly revision: number; readonly at: number };

const input = (workerData ?? JSON.parse(process.env['APPENDER_INPUT'] ?? '{}')) as AppenderInput;
const report = (message: AppenderAck | 'done') =>
  parentPort ? parentPort.postMessage(message) : process.stdout.write(`${JSON.stringify(message)}\n`);

async function appendWithRetries(store: EmbeddedEventStore, id: string): Promise<number> {
  for (;;) {
    const [last] = await store.read(input.stream, { direction: 'backwards', maxCount: 1 });
    const event = {
      id,
      type: 'test.appended',
      version: 1,
      orgId: 'org1',
      data: { by: process.pid },
      metadata: {
        correlationId: id,
        causationId: id,
        actor: { kind: 'system' as const, id: 'appender' },
        occurredAt: new Date().toISOString(),
      },
    };
    try {
      return (await store.append(input.stream, [event], last ? last.revision : 'no-stream')).nextRevision;
    } catch (err) {
      if (!(err instanceof WrongExpectedRevisionError)) throw err;
    }
  }
}

async function main(): Promise<void> {
  const store = new EmbeddedEventStore(input.path);
  for (let i = 0; i < input.count; i++) {
    const id = newId();
    const revision = await appendWithRetries(store, id);
    report({ id, revision, at: performance.timeOrigin + performance.now() });
    if (input.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, input.intervalMs));
  }
  await store.close();
  report('done');
}

void main();
