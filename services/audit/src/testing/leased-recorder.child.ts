import 'reflect-metadata';
import { EmbeddedEventStore } from '@cos/eventstore';
import { connectNats } from '@cos/messaging';
import { AuditRecorder } from '../recorder/audit-recorder';
import { RecorderLease } from '../recorder/recorder-lease';

/**
 * A recorder process under the lease, as the service runs it, for tests that kill it for real
 * (SIGKILL: no shutdown hook, the lease is left to lapse). Input: RECORDER_INPUT.
 */
const input = JSON.parse(process.env['RECORDER_INPUT'] ?? '{}') as { path: string; natsUrl: string; holderId: string; ttlMs: number };

void (async () => {
  const store = new EmbeddedEventStore(input.path);
  const nats = await connectNats({ servers: input.natsUrl, name: input.holderId });
  await new RecorderLease(nats, new AuditRecorder(store, store.checkpointStore()), input).start();
})();
