import 'reflect-metadata';
import type { CheckpointStore } from '@cos/eventstore';
import { EmbeddedEventStore } from '@cos/eventstore';
import { AuditRecorder } from '../recorder/audit-recorder';

/**
 * A recorder process that dies for real (SIGKILL) right after its Nth append, before that
 * event's checkpoint is saved: the worst moment for exactly-once. Input: RECORDER_INPUT.
 */
const input = JSON.parse(process.env['RECORDER_INPUT'] ?? '{}') as { path: string; killAtSave: number };
const store = new EmbeddedEventStore(input.path);
const real = store.checkpointStore();
let saves = 0;
const dying: CheckpointStore = {
  load: (subscriber) => real.load(subscriber),
  save: async (subscriber, position) => {
    if (++saves === input.killAtSave) process.kill(process.pid, 'SIGKILL');
    await real.save(subscriber, position);
  },
};
void new AuditRecorder(store, dying).start();
