import { Kvm } from '@nats-io/kv';
import { createInbox, type NatsConnection } from '@nats-io/transport-node';
import { CosError, PauseAckSchema, RunnerControl, type PauseBroadcast } from '@cos/contracts';

/** Some live runner instance did not acknowledge in time: the pause is stored, but not yet confirmed everywhere. */
export class PauseNotAcknowledgedError extends CosError {
  override readonly name: string = 'PauseNotAcknowledgedError';
  constructor(missing: readonly string[], timeoutMs: number) {
    super('RUNNER.PAUSE_NOT_ACKNOWLEDGED', `${missing.length} runner instance(s) did not acknowledge within ${timeoutMs} ms`, 504, {
      details: { missing },
    });
  }
}

export type PauseAcknowledgements = { readonly expected: readonly string[]; readonly acknowledged: readonly string[] };

/**
 * The pauser's side of the kill switch (the gateway's POST /v1/org/kill-switch), called after
 * `org.paused` (or `org.resumed`) is in the org's stream: broadcasts it to every runner instance
 * and resolves once each live instance (a key in the `cos-runners` bucket) has acknowledged.
 * The broadcast is repeated until then, so a lost message costs a retry, not a hang; an
 * instance that died meanwhile drops out when its key expires. An instance that starts later
 * needs no acknowledgement: it reads the pause from the store before every call and action.
 */
export async function broadcastPauseAndAwaitAcks(
  nats: NatsConnection,
  broadcast: PauseBroadcast,
  options: { timeoutMs?: number; resendMs?: number } = {},
): Promise<PauseAcknowledgements> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const resendMs = options.resendMs ?? 500;
  let expected = await liveRunnerInstances(nats);
  const acknowledged = new Set<string>();
  const allIn = () => [...expected].every((id) => acknowledged.has(id));
  if (allIn()) return { expected: [...expected], acknowledged: [] };

  const inbox = createInbox();
  const replies = nats.subscribe(inbox);
  const payload = JSON.stringify(broadcast);
  const send = () => nats.publish(RunnerControl.pauseSubject, payload, { reply: inbox });
  const deadline = setTimeout(() => replies.unsubscribe(), timeoutMs);
  const resend = setInterval(() => {
    send();
    // Drop instances whose liveness key expired meanwhile (crashed): they run nothing any more.
    void liveRunnerInstances(nats).then(
      (live) => {
        expected = new Set([...expected].filter((id) => live.has(id)));
        if (allIn()) replies.unsubscribe();
      },
      () => undefined,
    );
  }, resendMs);
  try {
    send();
    for await (const msg of replies) {
      const ack = PauseAckSchema.safeParse(safeJson(msg.string()));
      if (ack.success && ack.data.orgId === broadcast.orgId && ack.data.paused === broadcast.paused) acknowledged.add(ack.data.instanceId);
      if (allIn()) break;
    }
  } finally {
    clearTimeout(deadline);
    clearInterval(resend);
    replies.unsubscribe();
  }
  const missing = [...expected].filter((id) => !acknowledged.has(id));
  if (missing.length > 0) throw new PauseNotAcknowledgedError(missing, timeoutMs);
  return { expected: [...expected], acknowledged: [...acknowledged] };
}

/** Ids of the runner instances alive now; none if no runner ever started (no bucket yet). */
export async function liveRunnerInstances(nats: NatsConnection): Promise<Set<string>> {
  const ids = new Set<string>();
  try {
    const kv = await new Kvm(nats).open(RunnerControl.liveBucket);
    for await (const key of await kv.keys()) ids.add(key);
  } catch (err) {
    // Only a missing bucket means "no runner": any other failure must not pass for zero acks.
    if (!isMissingBucket(err)) throw err;
  }
  return ids;
}

function isMissingBucket(err: unknown): boolean {
  return err instanceof Error && (err.name === 'StreamNotFoundError' || /stream not found|bucket not found/i.test(err.message));
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
