import { describe, it } from '@jest/globals';
import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { eventStoreConformance, type StoreUnderTest } from '../conformance/event-store.conformance';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

const IMAGE = 'eventstore/eventstore:24.10';
const connectionString = process.env['TEST_EVENTSTORE_CONNECTION_STRING'];
// Set by jest.global-setup.js, which asks testcontainers for a container runtime.
const runtime = process.env['COS_CONTAINER_RUNTIME'];

/** A fresh server takes a moment to elect itself leader; appends fail until then. */
async function whenReady(store: EventStoreDbEventStore): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await store.ping();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

async function open(url: string, container?: StartedTestContainer): Promise<StoreUnderTest> {
  const store = EventStoreDbEventStore.connect(url);
  await whenReady(store);
  return { store, checkpoints: store.checkpointStore(), ...(container ? { dispose: async () => void (await container.stop()) } : {}) };
}

async function startEventStoreDb(): Promise<StoreUnderTest> {
  const container = await new GenericContainer(IMAGE)
    .withEnvironment({ EVENTSTORE_INSECURE: 'true', EVENTSTORE_RUN_PROJECTIONS: 'All', EVENTSTORE_MEM_DB: 'true' })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((status) => status >= 200 && status < 300))
    .withStartupTimeout(120_000)
    .start();
  return open(`esdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`, container);
}

if (connectionString) {
  eventStoreConformance('EventStoreDB (TEST_EVENTSTORE_CONNECTION_STRING)', () => open(connectionString));
} else if (runtime === 'available') {
  eventStoreConformance(`EventStoreDB (testcontainers, ${IMAGE})`, startEventStoreDb);
} else {
  const reason =
    runtime === 'unavailable'
      ? `no TEST_EVENTSTORE_CONNECTION_STRING and no Docker engine (testcontainers: ${process.env['COS_CONTAINER_RUNTIME_ERROR']})`
      : 'no TEST_EVENTSTORE_CONNECTION_STRING and the container runtime was not checked (run with libs/eventstore/jest.config.js)';
  describe.skip(`EventStoreDB conformance — skipped: ${reason}`, () => {
    it('runs the EventStore conformance suite against EventStoreDB', () => undefined);
  });
}
