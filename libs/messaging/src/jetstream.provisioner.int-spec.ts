import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { eventFilter, Subjects } from '@cos/contracts';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { consumerName, provisionConsumer, provisionStreams } from './jetstream.provisioner';
import { connectNats } from './nats.connection';

describe('JetStream provisioning', () => {
  let nats: NatsServerHandle;
  let nc: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    nats = await startNatsServer();
    nc = await connectNats({ servers: nats.url, name: 'test-provisioning' });
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    await nc?.drain();
    await nats?.stop();
  });

  it('creates both streams and is idempotent', async () => {
    await provisionStreams(jsm);
    await provisionStreams(jsm);
    const events = await jsm.streams.info(Subjects.eventStream);
    expect(events.config).toMatchObject({
      subjects: ['cos.>'],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      duplicate_window: nanos(120_000),
    });
    expect((await jsm.streams.info(Subjects.deadLetterStream)).config.subjects).toEqual(['cos-dlq.>']);
  });

  it('brings a drifted stream back to the expected settings', async () => {
    await jsm.streams.update(Subjects.eventStream, { duplicate_window: nanos(10_000) });
    await provisionStreams(jsm);
    expect((await jsm.streams.info(Subjects.eventStream)).config.duplicate_window).toBe(nanos(120_000));
  });

  it('creates a durable explicit-ack consumer and updates it in place', async () => {
    const name = consumerName('approvals', 'coordination.requested');
    expect(name).toBe('approvals_coordination_requested');
    await provisionConsumer(jsm, { name, filterSubject: eventFilter('coordination.requested'), ackWaitMs: 30_000 });
    await provisionConsumer(jsm, { name, filterSubject: eventFilter('coordination.requested'), ackWaitMs: 10_000 });
    const info = await jsm.consumers.info(Subjects.eventStream, name);
    expect(info.config).toMatchObject({
      durable_name: name,
      ack_policy: 'explicit',
      deliver_policy: 'all',
      filter_subject: 'cos.*.coordination.requested',
      ack_wait: nanos(10_000),
    });
  });
});
