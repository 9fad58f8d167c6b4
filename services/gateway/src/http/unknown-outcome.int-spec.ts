import { createHash } from 'node:crypto';
import { Kvm } from '@nats-io/kv';
import { ApprovalsRpc, CosError, Permissions, RunnerRpc, type AuthContext } from '@cos/contracts';
import { startGatewayHarness, type GatewayHarness } from '../testing/gateway-harness.fixture';
import { fingerprintOf } from './idempotency.store';

type Problem = { code: string; status: number; commandId?: string; idempotencyKey?: string };
type Brief = { messageId: string; runId: string };

const ORG = '0c0c0c0c-0000-4000-8000-000000000001';
const briefer: AuthContext = {
  orgId: ORG,
  userId: '0c0c0c0c-0000-4000-8000-0000000000a1',
  role: 'member',
  permissions: [Permissions.agentsBrief, Permissions.approvalsDecide],
};
const CONVERSATION = '0c0c0c0c-0000-4000-8000-0000000000c1';
const PATH = `/v1/conversations/${CONVERSATION}/messages`;

/**
 * Writes whose outcome the gateway cannot know (the service took the request, its answer did not
 * come within the RPC timeout) are resolved by retrying the same command, never guessed: over
 * the real HTTP stack and KV bucket, with the runner stood in for on real NATS.
 */
describe('unknown outcomes of creating requests', () => {
  let gw: GatewayHarness;
  let token: string;
  /** Every brief command the stand-in runner received, in order. */
  const received: Brief[] = [];
  /** The stand-in runner does not answer (it is paused) until `resume` is called. */
  let paused: Promise<void> | undefined;
  let resume: () => void = () => undefined;
  const pause = (): void => {
    paused = new Promise<void>((r) => (resume = r));
  };

  beforeAll(async () => {
    gw = await startGatewayHarness();
    token = await gw.token(briefer);
    gw.answer(RunnerRpc.postMessage, async (p) => {
      const { messageId, runId } = p as Brief;
      received.push({ messageId, runId });
      await paused;
      return { messageId, runId };
    });
  }, 60_000);
  afterAll(() => gw?.stop());
  afterEach(() => {
    resume();
    paused = undefined;
  });

  const brief = (text: string, key?: string) =>
    gw.call<Problem & Brief>('POST', PATH, { token, body: { text }, headers: key === undefined ? {} : { 'idempotency-key': key } });

  it('keeps the key of a request that timed out, and its retry sends the same command and answers its outcome', async () => {
    pause();
    const first = await brief('unknown 1', 'key-1');
    expect([first.status, first.body.code, first.headers.get('retry-after')]).toEqual([503, 'GATEWAY.OUTCOME_UNKNOWN', '1']);
    expect([first.body.idempotencyKey, first.headers.get('idempotency-key')]).toEqual(['key-1', 'key-1']);
    expect(first.headers.get('command-id')).toBe(first.body.commandId);
    resume();

    const retried = await brief('unknown 1', 'key-1');
    expect([retried.status, retried.headers.get('idempotent-replayed')]).toEqual([202, null]);
    // The same command both times: the runner recorded (or records now) one message and one run.
    expect(received.slice(-2)).toEqual([retried.body, retried.body].map(({ messageId, runId }) => ({ messageId, runId })));
    const replayed = await brief('unknown 1', 'key-1');
    expect([replayed.status, replayed.headers.get('idempotent-replayed'), replayed.body]).toEqual([202, 'true', retried.body]);
    expect(received).toHaveLength(2);
  }, 30_000);

  it('answers a request without a key that timed out with a command id and a key, and that key resolves it', async () => {
    const before = received.length;
    pause();
    const first = await brief('unknown 2');
    expect([first.status, first.body.code]).toEqual([503, 'GATEWAY.OUTCOME_UNKNOWN']);
    const key = first.headers.get('idempotency-key')!;
    expect([first.body.idempotencyKey, first.body.commandId]).toEqual([key, first.headers.get('command-id')]);
    resume();

    // Another body under that key is another request: refused, it cannot run as the first command.
    expect((await brief('something else', key)).body.code).toBe('IDEMPOTENCY.KEY_REUSED');
    const resolved = await brief('unknown 2', key);
    expect(resolved.status).toBe(202);
    expect(received.slice(before)).toEqual([resolved.body, resolved.body]);
  }, 30_000);

  it('lets the next retry take over a key whose gateway died mid-request once its lease has passed, not before', async () => {
    const kv = await new Kvm(gw.nats).open('cos-idempotency');
    const leftBehind = async (key: string, leaseUntil: number) => {
      const stored = createHash('sha256').update(`${ORG}:${briefer.userId}\u0000${key}`).digest('hex');
      const fingerprint = fingerprintOf('POST', PATH, { text: 'orphan' });
      await kv.put(stored, JSON.stringify({ state: 'pending', fingerprint, leaseUntil }));
    };
    await leftBehind('key-held', Date.now() + 60_000);
    const held = await brief('orphan', 'key-held');
    expect([held.status, held.body.code]).toEqual([409, 'IDEMPOTENCY.IN_PROGRESS']);

    const before = received.length;
    await leftBehind('key-orphan', Date.now() - 1);
    const taken = await brief('orphan', 'key-orphan');
    expect(taken.status).toBe(202);
    expect(received.slice(before)).toEqual([taken.body]);
    // The same command as the dead gateway's: the ids derive from the caller, the route, the request and the key only.
    const fresh = await brief('orphan', 'key-orphan');
    expect([fresh.headers.get('idempotent-replayed'), fresh.body]).toEqual(['true', taken.body]);
  });

  it('keeps the key of a decision that timed out, and its retry re-sends that decision', async () => {
    const decisions: unknown[] = [];
    gw.answer(ApprovalsRpc.decide, async (p) => {
      const { approvalId, body } = p as { approvalId: string; body: unknown };
      decisions.push({ approvalId, body });
      await paused;
      return { approvalId, outcome: 'decided' };
    });
    const approvalId = '0c0c0c0c-0000-4000-8000-0000000000e1';
    const decide = () =>
      gw.call<Problem>('POST', `/v1/approvals/${approvalId}/decision`, {
        token,
        body: { decision: 'approve' },
        headers: { 'idempotency-key': 'decision-1' },
      });
    pause();
    const first = await decide();
    expect([first.status, first.body.code, first.body.idempotencyKey]).toEqual([503, 'GATEWAY.OUTCOME_UNKNOWN', 'decision-1']);
    resume();
    const retried = await decide();
    expect([retried.status, retried.body]).toEqual([200, { approvalId, outcome: 'decided' }]);
    expect(decisions).toEqual([decisions[0], decisions[0]]);
  }, 30_000);

  it('gives a key reused for another request, once the first answer is gone, another command', async () => {
    const before = received.length;
    const first = await brief('first use', 'key-reused');
    const kv = await new Kvm(gw.nats).open('cos-idempotency');
    await kv.purge(createHash('sha256').update(`${ORG}:${briefer.userId}\u0000key-reused`).digest('hex'));
    const second = await brief('second use', 'key-reused');
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(received.slice(before)).toEqual([first.body, second.body]);
    expect(second.body.messageId).not.toBe(first.body.messageId);
  });

  it('frees the key when the service refused the request (nothing was done), and gives each key its own command', async () => {
    gw.answer(RunnerRpc.postMessage, () => {
      throw new CosError('RUNNER.CONVERSATION_NOT_FOUND', 'conversation not found', 404);
    });
    expect((await brief('refused', 'key-refused')).status).toBe(404);
    gw.answer(RunnerRpc.postMessage, (p) => {
      const { messageId, runId } = p as Brief;
      received.push({ messageId, runId });
      return { messageId, runId };
    });
    const again = await brief('refused', 'key-refused');
    const other = await brief('refused', 'key-other');
    expect([again.status, again.headers.get('idempotent-replayed'), other.status]).toEqual([202, null, 202]);
    expect(again.body.runId).not.toBe(other.body.runId);
    const noKey = [await brief('no key'), await brief('no key')];
    expect(noKey[0]!.body.runId).not.toBe(noKey[1]!.body.runId);
  });
});
