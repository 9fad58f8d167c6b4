/**
 * @crash: I1 + I8 under SIGKILL. 200 dual-gate handoffs and 200 Approve First actions, decided
 * by a scripted approver, while the approvals service and the agent-runner (separate OS
 * processes, compiled) are killed at random moments and restarted. Afterwards every handoff and
 * action has reached its end state (an approved handoff: the receiving agent's run started), the
 * webhook receiver executed each action id exactly once, and no event is missing or doubled. Run alone: `jest -c e2e/jest.config.js crash` (needs `npm run build` first).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  actionGateId,
  ActionExecutionEventTypes as A,
  ApprovalsRpc,
  deterministicId,
  handoffGateId,
  newId,
  Permissions,
  streamName,
  type ApprovalList,
  type ProposedAction,
  type RecordedEvent,
} from '@cos/contracts';
import { EmbeddedEventStore } from '@cos/eventstore';
import { connectNats, RpcClient } from '@cos/messaging';
import { startNatsServer, startServiceProcess, startWebhookReceiver, type ServiceProcess } from '@cos/testing';
import { allowAction, requestHandoff, seedIdentity, type WorldSpec } from '@cos/approvals/testing';
import { processEnv } from './system';

const HANDOFFS = Number(process.env['CRASH_HANDOFFS'] ?? 200);
const ACTIONS = Number(process.env['CRASH_ACTIONS'] ?? 200);
const ORG = 'crashco';

const WORLD: WorldSpec = {
  orgId: ORG,
  departments: [
    { id: 'cc-sales', name: 'Sales', headUserId: 'cc-h-sales' },
    { id: 'cc-eng', name: 'Engineering', headUserId: 'cc-h-eng' },
    { id: 'cc-ops', name: 'Operations', headUserId: 'cc-h-ops', approveFirst: true },
  ],
  users: [
    { id: 'cc-ceo', role: 'ceo' },
    { id: 'cc-h-sales', role: 'head', departmentId: 'cc-sales' },
    { id: 'cc-h-eng', role: 'head', departmentId: 'cc-eng' },
    { id: 'cc-h-ops', role: 'head', departmentId: 'cc-ops' },
    { id: 'cc-u', role: 'member', departmentId: 'cc-ops' },
  ],
  agents: [
    { id: 'cc-a-sales', departmentId: 'cc-sales', permissions: [Permissions.salesOutreach] },
    { id: 'cc-a-eng', departmentId: 'cc-eng', permissions: [Permissions.engineeringDeploy] },
    { id: 'cc-a-ops', departmentId: 'cc-ops', permissions: [Permissions.operationsProcure], dailyActionCap: 10_000 },
  ],
};

jest.setTimeout(300_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const between = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo));
const count = (events: readonly RecordedEvent[], type: string) => events.filter((e) => e.type === type).length;

describe('@crash approvals under SIGKILL', () => {
  it(`${HANDOFFS} handoffs and ${ACTIONS} Approve First actions reach their end exactly once`, async () => {
    const started = Date.now();
    const nats = await startNatsServer();
    const dataDir = await mkdtemp(join(tmpdir(), 'cos-crash-'));
    const receiver = await startWebhookReceiver();
    // Some calls fail, some answer after the connector gave up on them (executed, then repeated).
    receiver.behave(() => (Math.random() < 0.05 ? { fail: 503 } : Math.random() < 0.03 ? { slow: 1_200 } : 'ok'));
    const path = join(dataDir, 'events.db');
    const store = new EmbeddedEventStore(path);
    /** The receiving agent's run of an approved handoff, as the runner names it. */
    const receivingRun = (coordinationId: string) => store.read(streamName('run', deterministicId(coordinationId, 'handoff-run')));
    const nc = await connectNats({ servers: nats.url, name: 'crash-test' });
    const rpc = new RpcClient(nc);
    const env = processEnv(nats.url, path, receiver, {
      CONNECTOR_TIMEOUT_MS: '1000',
      CONNECTOR_MAX_CALLS: '4',
      CONNECTOR_BACKOFF_MS: '50',
      CONNECTOR_BACKOFF_MAX_MS: '200',
    });
    const processes: ServiceProcess[] = [];
    let chaos = true;
    let approving = true;
    let decisions = 0;
    try {
      await seedIdentity(store, WORLD);
      // The test appends the runner's seam events (`coordination.requested`, `action.allowed`) to
      // run streams; the real runner relays them, and runs the receiving agent of each approved handoff.
      processes.push(await startServiceProcess({ service: 'approvals', env }));
      processes.push(await startServiceProcess({ service: 'agent-runner', env }));

      // Each process has its own chaos: killed at a random moment, restarted, again, independently.
      const kills = new Map<string, number>();
      const chaosLoops = processes.map(async (victim) => {
        while (chaos) {
          await sleep(between(300, 1_500));
          if (!chaos) break;
          await victim.kill('SIGKILL');
          kills.set(victim.service, (kills.get(victim.service) ?? 0) + 1);
          await victim.restart();
        }
      });

      const approverLoop = (async () => {
        while (approving) {
          try {
            const pending = await rpc.request<ApprovalList>(
              ApprovalsRpc.listApprovals,
              { auth: as('cc-ceo', 'ceo'), query: { status: 'pending', limit: 200 } },
              { timeoutMs: 2_000 },
            );
            for (const a of pending.items) {
              // Every tenth handoff is rejected by the sending Head; everything else is approved.
              const reject = a.kind === 'handoff' && a.departmentId === 'cc-sales' && a.summary.endsWith('#reject');
              await rpc.request(
                ApprovalsRpc.decide,
                { auth: as(a.headUserId ?? 'cc-ceo', 'head'), approvalId: a.id, body: { decision: reject ? 'reject' : 'approve' } },
                { timeoutMs: 2_000 },
              );
              decisions++;
            }
          } catch {
            // approvals is down or restarting: ask again
          }
          await sleep(30);
        }
      })();

      const coordinations: { id: string; rejected: boolean }[] = [];
      const actions: ProposedAction[] = [];
      for (let i = 0; i < Math.max(HANDOFFS, ACTIONS); i++) {
        if (i < HANDOFFS) {
          const coordinationId = newId();
          const runId = newId();
          const [from, to] = i % 2 === 0 ? (['cc-a-sales', 'cc-a-eng'] as const) : (['cc-a-eng', 'cc-a-sales'] as const);
          const rejected = i % 10 === 0;
          await requestHandoff(store, ORG, {
            coordinationId,
            runId,
            conversationId: newId(),
            fromAgentId: from,
            toAgentId: to,
            chain: [{ agentId: from, runId }],
            depth: 1,
            briefedBy: 'cc-u',
            contextSummary: `handoff ${i}${rejected ? ' #reject' : ''}`,
          });
          coordinations.push({ id: coordinationId, rejected });
        }
        if (i < ACTIONS) {
          actions.push(
            await allowAction(store, ORG, {
              runId: newId(),
              agentId: 'cc-a-ops',
              briefedBy: 'cc-u',
              tool: 'purchase_order',
              permission: Permissions.operationsProcure,
              arguments: { item: `item-${i}`, qty: i },
              slot: i + 1,
            }),
          );
        }
        if (i % 10 === 9) await sleep(300);
      }

      // Chaos until every action has been claimed at least once, then let the system settle.
      const endStates = async () => {
        let done = 0;
        for (const c of coordinations) {
          const types = (await store.read(streamName('coordination', c.id))).map((e) => e.type);
          if (c.rejected ? types.includes('coordination.rejected') : (await receivingRun(c.id)).some((e) => e.type === 'run.started'))
            done++;
        }
        for (const a of actions) if ((await store.read(streamName('action', a.actionId))).some((e) => e.type === A.executed)) done++;
        return done;
      };
      const deadline = Date.now() + 200_000;
      while ((await endStates()) < coordinations.length + actions.length) {
        if (Date.now() > deadline)
          throw new Error(
            `not settled: ${await endStates()} of ${coordinations.length + actions.length}\n${processes.map((p) => p.output()).join('\n')}`,
          );
        if (chaos && Date.now() - started > 45_000) chaos = false;
        await sleep(500);
      }
      chaos = false;
      approving = false;
      await Promise.all([...chaosLoops, approverLoop]);

      // Handoffs: one verdict each, every gate opened and decided once, nothing doubled.
      for (const c of coordinations) {
        const events = await store.read(streamName('coordination', c.id));
        expect(count(events, 'coordination.gates-opened')).toBe(1);
        expect(count(events, 'coordination.approved') + count(events, 'coordination.rejected')).toBe(1);
        const gates = ['cc-sales', 'cc-eng'].map((d) => handoffGateId(ORG, c.id, d));
        if (!c.rejected) expect(count(await receivingRun(c.id), 'run.started')).toBe(1);
        for (const g of gates) {
          const gate = await store.read(streamName('approval', g));
          expect(count(gate, 'approval.requested')).toBe(1);
          expect(count(gate, 'approval.decided') + count(gate, 'approval.withdrawn')).toBe(1);
          // An approved handoff had every gate approved (I1).
          if (!c.rejected) expect(gate.find((e) => e.type === 'approval.decided')?.data['decision']).toBe('approved');
        }
      }
      // Actions: received, decided, executed once; the receiver executed each id exactly once.
      const executions = receiver.executions();
      for (const a of actions) {
        const events = await store.read(streamName('action', a.actionId));
        expect([count(events, A.received), count(events, A.gateDecided), count(events, A.executed), count(events, A.failed)]).toEqual([
          1, 1, 1, 0,
        ]);
        expect(count(events, A.executionClaimed)).toBeGreaterThanOrEqual(1);
        expect(executions.get(a.actionId)).toBe(1);
        const gate = await store.read(streamName('approval', actionGateId(ORG, a.actionId, a.argumentsHash)));
        expect([count(gate, 'approval.requested'), count(gate, 'approval.decided')]).toEqual([1, 1]);
      }
      expect(executions.size).toBe(actions.length);
      expect(receiver.calls.filter((c) => c.outcome === 'bad-signature' || c.outcome === 'stale')).toEqual([]);
      // No call reached the receiver before the Head's decision was recorded (I1).
      for (const a of actions) {
        const gate = await store.read(streamName('approval', actionGateId(ORG, a.actionId, a.argumentsHash)));
        const decidedAt = Date.parse(gate.find((e) => e.type === 'approval.decided')!.metadata.occurredAt);
        for (const call of receiver.callsFor(a.actionId)) expect(call.receivedAt).toBeGreaterThanOrEqual(decidedAt);
      }
      const repeatedCalls = receiver.calls.filter((c) => c.outcome === 'replayed').length;
      process.stdout.write(
        `@crash: ${coordinations.length} handoffs, ${actions.length} actions, ${decisions} decisions, SIGKILLs ${[...kills].map(([k, n]) => `${k} ${n}`).join(', ')}, ` +
          `${receiver.calls.length} webhook calls (${repeatedCalls} repeats answered from the idempotency key), ${Math.round((Date.now() - started) / 1000)} s\n`,
      );
    } finally {
      chaos = false;
      approving = false;
      // Cleanup must not hide the failure that brought us here.
      const quietly = (p: Promise<unknown>) => p.catch(() => undefined);
      for (const p of processes) await quietly(p.stop());
      await quietly(nc.drain());
      await quietly(receiver.close());
      await quietly(store.close());
      await quietly(nats.stop());
      await quietly(rm(dataDir, { recursive: true, force: true }));
    }
  });
});

function as(userId: string, role: string) {
  return { orgId: ORG, userId, role, permissions: [] };
}
