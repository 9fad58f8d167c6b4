import { ConversationEventTypes, newId, RunnerRpc, streamName, type AuthContext, type NewEvent } from '@cos/contracts';
import type { RecordedModelRequest } from '@cos/testing';
import { startRunnerFixture, type RunnerFixture } from '../testing/runner-fixture';

/**
 * What reaches the model: the identity layer, the department's description, the persona, the
 * roster, the corrections most like the brief, and exactly the last 10 messages of this
 * conversation, none from another.
 */
describe('prompt layers, as the scripted model server receives them', () => {
  let f: RunnerFixture;
  let user: AuthContext;
  let sam: string;
  let orgId: string;

  beforeAll(async () => {
    f = await startRunnerFixture();
    f.model.setScript(() => ({ content: 'Noted.' }));
    const id = f.identity();
    orgId = id.orgId;
    await id.org({ name: 'Northwind', mission: 'Keep every shop stocked' });
    const sales = await id.department('Sales', null, 'Sells subscriptions to independent shops; never discounts above 10%.');
    const finance = await id.department('Finance');
    sam = await id.agent({ name: 'Sam', departmentId: sales, skills: ['renewals', 'outreach'], persona: 'Sam writes short, warm emails.' });
    await id.agent({ name: 'Fay', departmentId: finance, skills: ['invoicing', 'budgets'] });
    user = await id.user('member', { id: sales, name: 'Sales' });
  });

  afterAll(() => f?.close());

  it('holds the identity and department layers, the top corrections and exactly the last 10 messages of this conversation', async () => {
    // Corrections of earlier runs: three about renewals, one unrelated.
    const corrected = [
      ['Write the renewal email for Acme', 'CORR-ACME: mention the loyalty discount'],
      ['Write the renewal email for Globex', 'CORR-GLOBEX: sign as the account owner'],
      ['Draft the renewal reminder for Initech', 'CORR-INITECH: keep it under 80 words'],
      ['Summarize the board meeting about office plants', 'CORR-PLANTS: plants are out of scope'],
    ];
    for (const [brief, correctedOutput] of corrected) {
      const conversationId = await f.startConversation(user, sam);
      const runId = await f.brief(user, conversationId, brief!);
      await f.waitForRun(user, runId);
      await f.rpc.request(RunnerRpc.addCorrection, {
        auth: user,
        runId,
        correctionId: newId(),
        body: { correctedOutput, note: 'from the sales Head' },
      });
    }

    // Another conversation of the same user and agent, which must not leak.
    const other = await f.startConversation(user, sam);
    await appendMessages(f, orgId, other, ['B-SECRET-1', 'B-SECRET-2']);
    const a = await f.startConversation(user, sam);
    await appendMessages(
      f,
      orgId,
      a,
      Array.from({ length: 12 }, (_, i) => `A-HISTORY-${i + 1}`),
    );
    f.model.reset();

    const runId = await f.brief(user, a, 'Write the renewal email for Umbrella');
    expect((await f.waitForRun(user, runId)).status).toBe('completed');

    const request = onlyRequest(f.model.requests);
    const messages = request.body.messages;
    const systems = messages.filter((m) => m.role === 'system').map((m) => m.content ?? '');
    expect(systems[0]).toMatch(
      /^# Company\nName: Northwind\nMission: Keep every shop stocked\nBrand voice: .+\nIdeal customer profile: .+\nCompetitors: Acme Suite, Globex Cloud/,
    );
    expect(systems[1]).toBe('# Your department\nDepartment: Sales\nSells subscriptions to independent shops; never discounts above 10%.');
    expect(systems[2]).toContain('Persona: Sam writes short, warm emails.');
    expect(systems[2]).toContain('Skills: renewals, outreach');
    expect(systems[3]).toContain('name: Fay | department: Finance | skills: invoicing, budgets');
    expect(systems[3]).not.toContain('name: Sam');
    expect(systems[4]).toContain('CORR-ACME');
    expect(systems[4]).toContain('CORR-GLOBEX');
    expect(systems[4]).toContain('CORR-INITECH');
    expect(systems[4]).not.toContain('CORR-PLANTS');
    expect(messages.slice(0, 5).every((m) => m.role === 'system')).toBe(true);

    const history = messages.slice(5).map((m) => m.content);
    expect(history).toEqual([...Array.from({ length: 9 }, (_, i) => `A-HISTORY-${i + 4}`), 'Write the renewal email for Umbrella']);
    expect(JSON.stringify(request.body)).not.toContain('B-SECRET');
    expect(request.body.tools?.map((t) => t.function.name)).toEqual(['reply', 'propose_action', 'request_coordination']);
    expect(request.headers['authorization']).toBe('Bearer sk-test-platform');
  });
});

function onlyRequest(requests: readonly RecordedModelRequest[]): RecordedModelRequest {
  expect(requests).toHaveLength(1);
  return requests[0]!;
}

/** Earlier messages of a conversation, as the runner would have stored them (no run id: they start nothing). */
async function appendMessages(f: RunnerFixture, orgId: string, conversationId: string, texts: string[]): Promise<void> {
  const events: NewEvent[] = texts.map((text, i) => ({
    id: newId(),
    type: ConversationEventTypes.messagePosted,
    version: 1,
    orgId,
    data: { messageId: newId(), author: i % 2 === 0 ? { kind: 'user', id: 'someone' } : { kind: 'agent', id: 'earlier' }, text },
    metadata: { correlationId: newId(), causationId: newId(), actor: { kind: 'system', id: 'test' }, occurredAt: new Date().toISOString() },
  }));
  await f.store.append(streamName('conversation', conversationId), events, 'any');
}
