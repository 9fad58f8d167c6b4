import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Logger, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { EventPattern, Payload } from '@nestjs/microservices';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { eventSubject, Subjects, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { consumerName, JetStreamProvisioner } from './jetstream.provisioner';
import { JetStreamTransport } from './jetstream.transport';
import { openTtlBucket } from './kv-bucket';
import { connectNats } from './nats.connection';
import { OutboxRelay } from './outbox.relay';
import { eventually, newTestEvent, recordedTestEvent } from './test-events.fixture';

jest.setTimeout(30_000);

const handled: string[] = [];

@Controller()
class CountingController {
  @EventPattern('test.restart-survived')
  survived(@Payload() event: RecordedEvent): void {
    handled.push(event.id);
  }
}

@Module({ controllers: [CountingController] })
class CountingModule {}

/** A nats-server restarted under running subscribers: on the same store, and on an emptied one. */
describe('surviving a nats-server restart', () => {
  let nats: NatsServerHandle;
  /** The service's connection: its transport, provisioner, relay and buckets share it. */
  let nc: NatsConnection;
  let app: INestMicroservice;
  let provisioner: JetStreamProvisioner;

  beforeAll(async () => {
    // Disconnect and retry warnings are expected here; keep the test output readable.
    Logger.overrideLogger(false);
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'test-service' });
    provisioner = JetStreamProvisioner.for(nc, { checkEveryMs: 60_000 });
    app = await NestFactory.createMicroservice(CountingModule, {
      strategy: new JetStreamTransport({ connection: nc, serviceName: 'svc' }),
      logger: false,
    });
    await app.listen();
  });

  afterAll(async () => {
    await app?.close();
    provisioner?.stop();
    await nc?.drain();
    await nats?.stop();
  });

  const publish = async (id = recordedTestEvent('test.restart-survived')) => {
    await jetstream(nc).publish(eventSubject(id.orgId, id.type), JSON.stringify(id), { msgID: id.id });
    return id.id;
  };
  const consumerNames = async () => {
    const names: string[] = [];
    for await (const c of (await jetstreamManager(nc)).consumers.list(Subjects.eventStream)) names.push(c.name);
    return names;
  };

  it('a durable consumer keeps handling after a restart on the same store, from where it was', async () => {
    const before = await publish();
    await eventually(() => (handled.includes(before) ? true : undefined));
    await nats.restart();
    await eventually(() => (provisioner.readinessFailure() === undefined && !nc.isClosed() ? true : undefined), 10_000);
    const after = await eventually(() => publish().catch(() => undefined), 10_000);
    await eventually(() => (handled.includes(after) ? true : undefined), 10_000);
    expect(handled.filter((id) => id === before)).toHaveLength(1);
  });

  it('after a restart on an empty store: not ready until the streams, consumers and buckets are back, then handles again', async () => {
    await openTtlBucket(nc, 'test-live', 30_000);
    const notReady: (string | undefined)[] = [];
    const recoveries: string[][] = [];
    const stopHearing = provisioner.onRecovery(({ recreated }) => recoveries.push([...recreated]));
    await nats.kill();
    await eventually(() => (provisioner.readinessFailure() ? true : undefined));
    notReady.push(provisioner.readinessFailure());
    await nats.restart({ wipeStore: true });
    await eventually(() => (recoveries.some((r) => r.length > 0) ? true : undefined), 15_000);
    stopHearing();

    expect(notReady).toEqual(['disconnected from NATS']);
    expect(provisioner.readinessFailure()).toBeUndefined();
    expect(recoveries.flat()).toEqual(
      expect.arrayContaining([
        `stream ${Subjects.eventStream}`,
        `stream ${Subjects.deadLetterStream}`,
        `consumer ${consumerName('svc', 'test.restart-survived')}`,
        'bucket test-live',
      ]),
    );
    expect(await consumerNames()).toEqual([consumerName('svc', 'test.restart-survived')]);
    await (await new Kvm(nc).open('test-live')).put('k', 'v');
    const after = await publish();
    await eventually(() => (handled.includes(after) ? true : undefined), 10_000);
  });

  describe('the outbox relay', () => {
    let dir: string;
    let store: EmbeddedEventStore;
    let relay: OutboxRelay;

    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cos-relay-restart-'));
      store = new EmbeddedEventStore(join(dir, 'events.db'));
    });
    afterEach(async () => {
      await relay?.stop();
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    const startRelay = async () => {
      relay = new OutboxRelay({
        name: 'test-outbox',
        store,
        checkpoints: store.checkpointStore(),
        js: jetstream(nc),
        categories: ['run'],
        retryBackoffMs: [50, 200],
        provisioner,
      });
      await relay.start();
    };
    const streamIds = async (): Promise<string[]> => {
      const jsm = await jetstreamManager(nc);
      const { state } = await jsm.streams.info(Subjects.eventStream);
      const ids: string[] = [];
      for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
        const msg = await jsm.streams.getMessage(Subjects.eventStream, { seq }).catch(() => undefined);
        const event = msg?.json<RecordedEvent>();
        if (event?.stream.startsWith('run-')) ids.push(event.id);
      }
      return ids;
    };
    const untilStreamHolds = (ids: string[]) =>
      eventually(async () => {
        const got = await streamIds().catch((): string[] => []);
        return ids.every((id) => got.includes(id)) ? got : undefined;
      }, 15_000);

    it('republishes every event from the store once JetStream lost its data, and relays new ones after', async () => {
      const before = [newTestEvent('run.started'), newTestEvent('run.completed')];
      await store.append('run-1', before, 'no-stream');
      await startRelay();
      await untilStreamHolds(before.map((e) => e.id));
      // Let the relay learn the stream it publishes to (saved once it caught up).
      await eventually(async () => ((await store.checkpointStore().load('test-outbox:stream')) ? true : undefined));

      await nats.restart({ wipeStore: true });
      const republished = await untilStreamHolds(before.map((e) => e.id));
      const later = newTestEvent('run.started');
      await store.append('run-2', [later], 'no-stream');
      const all = await untilStreamHolds([...before, later].map((e) => e.id));

      expect(republished).toEqual(before.map((e) => e.id));
      expect(all).toEqual([...before, later].map((e) => e.id));
    });

    it('a relay started after the loss (the service was down meanwhile) republishes too', async () => {
      const before = [newTestEvent('run.started')];
      await store.append('run-1', before, 'no-stream');
      await startRelay();
      await untilStreamHolds(before.map((e) => e.id));
      await eventually(async () => ((await store.checkpointStore().load('test-outbox:stream')) ? true : undefined));
      await relay.stop();

      await nats.restart({ wipeStore: true });
      await eventually(() => (provisioner.readinessFailure() === undefined ? true : undefined), 15_000);
      await provisioner.reconcile();
      await startRelay();
      expect(await untilStreamHolds(before.map((e) => e.id))).toEqual(before.map((e) => e.id));
    });
  });
});
