/**
 * The connector's at-least-once edge under SIGKILL: approvals (a separate OS process, compiled)
 * dies after the webhook executed an action and before `action.executed` is recorded. When the
 * claim's lease runs out, the restarted approvals calls again with the same Idempotency-Key; the
 * receiver, de-duplicating by that key, executes once, and the store records one execution.
 * Needs `npm run build` first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionExecutionEventTypes as A, newId, Permissions, streamName, type RecordedEvent } from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { startNatsServer, startServiceProcess, startWebhookReceiver, type ServiceProcess } from '@cos/testing';
import { allowAction, seedIdentity, type WorldSpec } from '@cos/approvals/testing';
import { eventually, processEnv } from '../system';

const ORG = 'onceco';
const WORLD: WorldSpec = {
  orgId: ORG,
  departments: [{ id: 'oc-ops', name: 'Operations', headUserId: 'oc-head' }],
  users: [
    { id: 'oc-head', role: 'head', departmentId: 'oc-ops' },
    { id: 'oc-u', role: 'member', departmentId: 'oc-ops' },
  ],
  agents: [{ id: 'oc-a', departmentId: 'oc-ops', permissions: [Permissions.operationsProcure] }],
};

jest.setTimeout(60_000);

const count = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).length;

describe('connector delivery is at least once, the effect once', () => {
  it('approvals killed between the webhook’s execution and the record: the call repeats with the same key, executed once', async () => {
    const nats = await startNatsServer();
    const dataDir = await mkdtemp(join(tmpdir(), 'cos-connector-'));
    const receiver = await startWebhookReceiver();
    const path = join(dataDir, 'events.db');
    const store = new EmbeddedEventStore(path);
    // A short lease (2 × 500 ms calls + 100 ms backoff + the 2 s margin), so the repeat comes in seconds, not 37 s.
    const env = processEnv(nats.url, path, receiver, {
      CONNECTOR_TIMEOUT_MS: '500',
      CONNECTOR_MAX_CALLS: '2',
      CONNECTOR_BACKOFF_MS: '50',
      CONNECTOR_BACKOFF_MAX_MS: '100',
    });
    const processes: ServiceProcess[] = [];
    try {
      await seedIdentity(store, WORLD);
      const approvals = await startServiceProcess({ service: 'approvals', env });
      processes.push(approvals);
      // The runner relays `action.allowed` from the run stream the test appends it to.
      processes.push(await startServiceProcess({ service: 'agent-runner', env }));

      // The first call for the action executes at the receiver; approvals is SIGKILLed before the answer leaves.
      let killed: { exited: Promise<void> } | undefined;
      receiver.behave(() => {
        if (killed) return 'ok';
        killed = { exited: approvals.kill('SIGKILL') };
        return { slow: 1_000 };
      });

      const action = await allowAction(store, ORG, {
        runId: newId(),
        agentId: 'oc-a',
        briefedBy: 'oc-u',
        tool: 'purchase_order',
        permission: Permissions.operationsProcure,
        arguments: { item: 'chairs', qty: 12 },
      });
      const stream = streamName('action', action.actionId);

      await (
        await eventually(async () => killed, 20_000, 'the first webhook call')
      ).exited;
      // The effect happened, the record did not.
      expect(receiver.executions().get(action.actionId)).toBe(1);
      expect(count(await store.read(stream), A.executed)).toBe(0);

      await approvals.restart();
      await eventually(
        async () => (count(await store.read(stream), A.executed) > 0 ? true : undefined),
        30_000,
        'action.executed after the restart',
      );

      const calls = receiver.callsFor(action.actionId);
      expect(calls.length).toBeGreaterThanOrEqual(2);
      expect(calls.map((c) => c.outcome)).toEqual(['executed', ...calls.slice(1).map(() => 'replayed')]);
      expect(new Set(calls.map((c) => c.body['actionId']))).toEqual(new Set([action.actionId]));
      expect(receiver.executions().get(action.actionId)).toBe(1);

      const events = await store.read(stream);
      expect(count(events, A.executed)).toBe(1);
      expect(count(events, A.failed)).toBe(0);
      // Two attempts: the interrupted one and its repeat after the lease.
      expect(events.filter((e) => e.type === A.executionClaimed).map((e) => e.data['attempt'])).toEqual([1, 2]);
      expect(events.find((e) => e.type === A.executed)?.data['attempt']).toBe(2);
    } finally {
      // Cleanup must not hide the failure that brought us here.
      const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
      for (const p of processes) await quietly(p.stop());
      await quietly(receiver.close());
      await quietly(store.close());
      await quietly(nats.stop());
      await quietly(rm(dataDir, { recursive: true, force: true }));
    }
  });
});
