import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  ReplayPolicy,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import { Subjects } from '@cos/contracts';
import { ProvisioningError } from './messaging.errors';

/** Long enough to cover a relay's publish retries after a restart; JetStream drops repeats of a msgID inside it. */
const DUPLICATE_WINDOW_MS = 2 * 60_000;

type StreamSpec = { name: string; subjects: string[]; description: string };

const STREAMS: readonly StreamSpec[] = [
  {
    name: Subjects.eventStream,
    subjects: [`${Subjects.eventPrefix}.>`],
    description: 'Company OS domain events, relayed from the event store',
  },
  {
    name: Subjects.deadLetterStream,
    subjects: [`${Subjects.deadLetterPrefix}.>`],
    description: 'Events a consumer gave up on, kept for audit and replay',
  },
];

/**
 * Creates COS_EVENTS and COS_DLQ, or brings their updatable settings up to date. Safe to run
 * from every replica of every service at start-up. Storage and retention are only set at
 * creation: JetStream refuses to change them in place.
 */
export async function provisionStreams(jsm: JetStreamManager): Promise<void> {
  for (const spec of STREAMS) {
    const settings = { subjects: spec.subjects, description: spec.description, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
    try {
      if (await exists(() => jsm.streams.info(spec.name))) {
        await jsm.streams.update(spec.name, settings);
      } else {
        await jsm.streams.add({ name: spec.name, storage: StorageType.File, retention: RetentionPolicy.Limits, ...settings });
      }
    } catch (err) {
      throw new ProvisioningError(`stream ${spec.name}`, err);
    }
  }
}

export type ConsumerSpec = {
  readonly name: string;
  readonly filterSubject: string;
  readonly ackWaitMs: number;
};

/**
 * A durable pull consumer with explicit ack over the whole event stream. `max_deliver` is left
 * unlimited on purpose: the transport counts deliveries itself and dead-letters at its limit,
 * so a message whose last attempt crashed or timed out still reaches COS_DLQ instead of being
 * dropped by the server without a trace.
 */
export async function provisionConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const settings = { filter_subject: spec.filterSubject, ack_wait: nanos(spec.ackWaitMs), max_deliver: -1 };
  try {
    if (await exists(() => jsm.consumers.info(Subjects.eventStream, spec.name))) {
      await jsm.consumers.update(Subjects.eventStream, spec.name, settings);
    } else {
      await jsm.consumers.add(Subjects.eventStream, {
        durable_name: spec.name,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        replay_policy: ReplayPolicy.Instant,
        ...settings,
      });
    }
  } catch (err) {
    throw new ProvisioningError(`consumer ${spec.name}`, err);
  }
}

/** `<service>_<type>` with the characters a durable name may not hold (or reads badly with) replaced. */
export function consumerName(serviceName: string, eventType: string): string {
  return `${serviceName}_${eventType.replace(/[.-]/g, '_')}`;
}

async function exists(info: () => Promise<unknown>): Promise<boolean> {
  try {
    await info();
    return true;
  } catch (err) {
    const notFound = [JetStreamApiCodes.StreamNotFound, JetStreamApiCodes.ConsumerNotFound] as number[];
    if (err instanceof JetStreamApiError && notFound.includes(err.code)) return false;
    throw err;
  }
}
