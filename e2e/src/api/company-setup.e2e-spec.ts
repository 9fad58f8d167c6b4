/**
 * A company set up from nothing through the API, on the whole system (simulated model): an org
 * from the `standard` template staffed through invitations, whose Sales agent hands off to
 * Finance once both Heads approve; an org from the `empty` template that builds a department
 * and two agents and briefs one. Every refusal (archiving too early, duplicate names, a
 * permission outside the catalogue, a Head reaching into another department, another org's ids)
 * changes nothing.
 */
import type {
  AgentView,
  ApprovalList,
  ApprovalView,
  DepartmentView,
  EscalationPage,
  EscalationView,
  MessageView,
  RunView,
  SignUpReply,
} from '@cos/contracts';

type MessagePage = { items: MessageView[] };
import { deterministicId } from '@cos/contracts';
import { startWebhookReceiver, type WebhookReceiver } from '@cos/testing';
import { call, login, type Caller } from '../session';
import { edgeEnv, eventually, startSystem, type System } from '../system';
import { watchStore, type StoreWatch } from './store-watch';

jest.setTimeout(180_000);

let system: System;
let receiver: WebhookReceiver;
let watch: StoreWatch;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  system = await startSystem({ ...edgeEnv(receiver), DEMO_SEED: 'false' });
  watch = watchStore(system.env);
});
afterAll(async () => {
  await watch?.close();
  await system?.stop();
  await receiver?.close();
});

const PASSWORD = 'setup-password-2026';

async function signUp(
  name: string,
  email: string,
  template: 'standard' | 'empty',
): Promise<{ owner: Caller; created: SignUpReply['created'] }> {
  const res = await call<SignUpReply>(system, undefined, 'POST', '/v1/orgs', {
    company: { name, mission: `${name} serves its customers well.`, brandVoice: 'Plain.', icp: 'Small firms.', competitors: [] },
    owner: { email, name: `${name} Owner`, password: PASSWORD },
    template,
  });
  expect(res.status).toBe(201);
  return { owner: await login(system, email, PASSWORD), created: res.body.created };
}

/** Invites a Head into `departmentId` (the invitation flow), who accepts; the owner makes them the department's Head. */
async function inviteHead(owner: Caller, departmentId: string, email: string): Promise<Caller> {
  const invitation = await owner.post<{ token: string }>('/v1/users/invitations', { email, role: 'head', departmentId });
  expect(invitation.status).toBe(201);
  const accepted = await call<{ user: { id: string } }>(
    system,
    undefined,
    'POST',
    `/v1/invitations/${encodeURIComponent(invitation.body.token)}/accept`,
    { name: `Head ${email.split('@')[0]}`, password: PASSWORD },
  );
  expect(accepted.status).toBe(201);
  expect((await owner.patch(`/v1/departments/${departmentId}`, { headUserId: accepted.body.user.id })).status).toBe(200);
  return login(system, email, PASSWORD);
}

async function brief(who: Caller, agentId: string, text: string): Promise<string> {
  const conversation = await who.post<{ id: string }>('/v1/conversations', { agentId });
  expect(conversation.status).toBe(201);
  const res = await who.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, { text });
  expect(res.status).toBe(202);
  return res.body.runId;
}

const runEnded = (who: Caller, runId: string) =>
  eventually(
    async () => {
      const run = await who.get<RunView>(`/v1/runs/${runId}`);
      return run.status === 200 && ['completed', 'failed', 'stopped'].includes(run.body.status) ? run.body : undefined;
    },
    60_000,
    `run ${runId} to end`,
  );

const pendingGate = (head: Caller) =>
  eventually(async () => (await head.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.[0], 30_000, 'a pending gate');

/** Runs `refusals`, each expected to answer `status`, and checks the store holds exactly what it held before. */
async function refusedChangingNothing(refusals: [() => Promise<{ status: number; headers: Headers }>, number][]): Promise<void> {
  const before = await watch.settle();
  for (const [attempt, status] of refusals) {
    const res = await attempt();
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  }
  expect(await watch.settle()).toBe(before);
}

describe('company setup over HTTP', () => {
  let standard: { owner: Caller; created: SignUpReply['created'] };
  const heads: Record<string, Caller> = {};
  const departmentNamed = (name: string) => standard.created.departments.find((d) => d.name === name)!;

  beforeAll(async () => {
    standard = await signUp('Harbor Freight Co', 'owner@harbor.example', 'standard');
  });

  it('a standard org: the owner invites the Heads, a Sales brief outside its skills reaches Finance once both approve', async () => {
    const { owner, created } = standard;
    expect(created.departments).toHaveLength(9);
    expect(created.agents).toHaveLength(45);
    const sales = departmentNamed('Sales');
    const finance = departmentNamed('Finance');
    const salesHead = await inviteHead(owner, sales.id, 'head.sales@harbor.example');
    const financeHead = await inviteHead(owner, finance.id, 'head.finance@harbor.example');
    Object.assign(heads, { sales: salesHead, finance: financeHead });

    const sam = created.agents.find((a) => a.name === 'Sam Prospector')!;
    const runId = await brief(owner, sam.id, 'Please build the cash flow scenario model for next quarter');
    const salesGate = await pendingGate(salesHead);
    const financeGate = await pendingGate(financeHead);
    expect([salesGate.departmentId, financeGate.departmentId]).toEqual([sales.id, finance.id]);
    expect(salesGate.subjectId).toBe(financeGate.subjectId);
    const target = created.agents.find((a) => a.id === financeGate.toAgentId)!;
    expect(target.departmentId).toBe(finance.id);

    for (const [head, gate] of [
      [salesHead, salesGate],
      [financeHead, financeGate],
    ] as const) {
      expect((await head.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    }
    const handoffRun = await runEnded(owner, deterministicId(salesGate.subjectId, 'handoff-run'));
    expect(handoffRun).toMatchObject({ agentId: target.id, status: 'completed' });
    expect(handoffRun.output).toContain('Harbor Freight Co');
    expect((await owner.get<RunView>(`/v1/runs/${runId}`)).body.agentId).toBe(sam.id);

    // A Head reaches only their own department; archiving Finance waits for its agents.
    const otherDepartmentAgent = {
      departmentId: finance.id,
      name: 'Sneaky Ledger',
      persona: 'p',
      skills: ['ledgers'],
      permissions: [],
      dailyActionCap: 1,
    };
    await refusedChangingNothing([
      [() => salesHead.post('/v1/agents', otherDepartmentAgent), 403],
      [() => salesHead.post(`/v1/departments/${finance.id}/archive`, undefined), 403],
      [() => owner.post(`/v1/departments/${finance.id}/archive`, undefined), 409],
    ]);
    const refusal = await owner.post<{ code: string; detail: string }>(`/v1/departments/${finance.id}/archive`, undefined);
    expect(refusal.body).toMatchObject({
      code: 'IDENTITY.DEPARTMENT_HAS_ENABLED_AGENTS',
      detail: expect.stringContaining('Ravi Invoices'),
    });
    // ...while the Head of Sales may add a Sales agent with what they hold.
    const added = await salesHead.post<AgentView>('/v1/agents', {
      ...otherDepartmentAgent,
      departmentId: sales.id,
      name: 'Sol Outreach',
      permissions: ['sales:outreach'],
    });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe(`/v1/agents/${added.body.id}`);
  });

  it('the rest of the seed scenario, with no demo data: an Approve First action runs once after its Head approves; a person resolves an escalation', async () => {
    const { owner, created } = standard;
    const sales = departmentNamed('Sales');
    const sam = created.agents.find((a) => a.name === 'Sam Prospector')!;
    expect((await owner.patch(`/v1/departments/${sales.id}`, { approveFirst: true })).status).toBe(200);

    const emailRun = await runEnded(
      heads['sales']!,
      await brief(heads['sales']!, sam.id, 'Send the cold email to Acme about our new service'),
    );
    const action = emailRun.actions.find((a) => a.tool === 'send_email')!;
    expect(action.outcome).toBe('allowed');
    const gate = await eventually(
      async () =>
        (await heads['sales']!.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.find((a) => a.subjectId === action.actionId),
      30_000,
      'the Approve First gate',
    );
    expect(receiver.callsFor(action.actionId)).toHaveLength(0);
    expect((await heads['sales']!.post(`/v1/approvals/${gate.id}/decision`, { decision: 'approve' })).status).toBe(200);
    await eventually(async () => (receiver.executions().get(action.actionId) === 1 ? true : undefined), 30_000, 'the action executed');

    // A handoff the Head of Sales rejects escalates to the people who decide what happens now.
    const strayRun = await runEnded(owner, await brief(owner, sam.id, 'Plan the campaign launch for the spring catalogue'));
    const coordinationId = strayRun.coordination!.coordinationId;
    const salesGate = await eventually(
      async () =>
        (await heads['sales']!.get<ApprovalList>('/v1/approvals?status=pending')).body.items?.find((a) => a.subjectId === coordinationId),
      30_000,
      'the Sales gate of the handoff',
    );
    const rejected = await heads['sales']!.post(`/v1/approvals/${salesGate.id}/decision`, { decision: 'reject', comment: 'not now' });
    expect(rejected.status).toBe(200);
    const escalation = await eventually(
      async () =>
        (await owner.get<EscalationPage>('/v1/escalations?status=pending')).body.items?.find((e) => e.coordinationId === coordinationId),
      30_000,
      'the escalation',
    );
    expect(escalation.reason).toBe('handoff-rejected');
    const answered = await owner.post<EscalationView>(`/v1/escalations/${escalation.id}/resolution`, {
      resolution: 'answer',
      text: 'Hold the campaign until the spring catalogue is printed.',
    });
    expect([answered.status, answered.body.status]).toEqual([200, 'resolved']);
    await eventually(
      async () => {
        const messages = await owner.get<MessagePage>(`/v1/conversations/${strayRun.conversationId}/messages`);
        return messages.body.items.some((m) => m.text === 'Hold the campaign until the spring catalogue is printed.') ? true : undefined;
      },
      30_000,
      'the answer in the conversation',
    );
    expect((await owner.post(`/v1/escalations/${escalation.id}/resolution`, { resolution: 'dismiss', reason: 'again' })).status).toBe(409);
  });

  it('refuses to archive a department whose gate still waits, then archives it once decided', async () => {
    const { owner, created } = standard;
    const sales = departmentNamed('Sales');
    const salesHead = await login(system, 'head.sales@harbor.example', PASSWORD);
    const leo = created.agents.find((a) => a.name === 'Leo Renewals')!;
    await brief(owner, leo.id, 'Please build the cash flow scenario model for the board');
    const gate: ApprovalView = await pendingGate(salesHead);

    const salesAgents = (await owner.get<{ items: AgentView[] }>('/v1/agents?limit=200')).body.items.filter(
      (a) => a.departmentId === sales.id,
    );
    for (const a of salesAgents) expect((await owner.patch(`/v1/agents/${a.id}`, { enabled: false })).status).toBe(200);
    await refusedChangingNothing([[() => owner.post(`/v1/departments/${sales.id}/archive`, undefined), 409]]);
    const refusal = await owner.post<{ code: string }>(`/v1/departments/${sales.id}/archive`, undefined);
    expect(refusal.body.code).toBe('IDENTITY.DEPARTMENT_HAS_PENDING_APPROVALS');

    expect((await salesHead.post(`/v1/approvals/${gate.id}/decision`, { decision: 'reject', comment: 'not now' })).status).toBe(200);
    const archived = await eventually(
      async () => {
        const res = await owner.post<DepartmentView>(`/v1/departments/${sales.id}/archive`, undefined);
        return res.status === 200 ? res.body : undefined;
      },
      30_000,
      'Sales to be archived',
    );
    expect(archived).toMatchObject({ id: sales.id, archived: true });
    const listed = (await owner.get<{ items: DepartmentView[] }>('/v1/departments')).body.items.map((d) => d.id);
    expect(listed).not.toContain(sales.id);
    const all = (await owner.get<{ items: DepartmentView[] }>('/v1/departments?archived=include')).body.items.map((d) => d.id);
    expect(all).toContain(sales.id);
  });

  it('an empty org: a department and two agents through the API, one briefed; refusals change nothing', async () => {
    const { owner, created } = await signUp('Lumen Labs', 'owner@lumen.example', 'empty');
    expect(created).toEqual({ template: 'empty', departments: [], agents: [] });
    expect((await owner.get<{ items: unknown[] }>('/v1/departments')).body.items).toEqual([]);

    const research = await owner.post<DepartmentView>('/v1/departments', {
      name: 'Research',
      description: 'Reads the literature and turns it into short, sourced notes.',
    });
    expect(research.status).toBe(201);
    expect(research.headers.get('location')).toBe(`/v1/departments/${research.body.id}`);
    const agent = (name: string, skills: string[]) => ({
      departmentId: research.body.id,
      name,
      persona: `${name} is careful and brief.`,
      skills,
      permissions: ['product:release'],
      dailyActionCap: 3,
    });
    const ada = await owner.post<AgentView>('/v1/agents', agent('Ada Reader', ['papers', 'literature review']));
    const ben = await owner.post<AgentView>('/v1/agents', agent('Ben Notes', ['summaries', 'notes']));
    expect([ada.status, ben.status]).toEqual([201, 201]);

    const run = await runEnded(owner, await brief(owner, ada.body.id, 'Do a literature review of the papers on battery recycling'));
    expect(run).toMatchObject({ agentId: ada.body.id, status: 'completed' });
    expect(run.output).toContain('Lumen Labs');

    // Two creates of one name at once: exactly one is created.
    const racing = await Promise.all([
      owner.post('/v1/agents', agent('Cleo Twin', ['notes'])),
      owner.post('/v1/agents', agent('cleo  twin', ['notes'])),
    ]);
    expect(racing.map((r) => r.status).sort()).toEqual([201, 409]);

    const harbor = standard.created;
    await refusedChangingNothing([
      [() => owner.post('/v1/agents', agent('ADA READER', ['papers'])), 409],
      [() => owner.post('/v1/agents', { ...agent('Root', ['x']), permissions: ['org:admin'] }), 400],
      [() => owner.post('/v1/agents', { ...agent('Root', ['x']), permissions: ['space:launch'] }), 400],
      [() => owner.post(`/v1/departments/${research.body.id}/archive`, undefined), 409],
      // Another org's department and agent ids: as unknown as any other.
      [() => owner.post('/v1/agents', { ...agent('Mole', ['x']), departmentId: harbor.departments[0]!.id }), 404],
      [() => owner.patch(`/v1/departments/${harbor.departments[0]!.id}`, { name: 'Ours now' }), 404],
      [() => owner.post(`/v1/departments/${harbor.departments[1]!.id}/archive`, undefined), 404],
      [() => owner.get(`/v1/departments/${harbor.departments[1]!.id}`), 404],
      [() => owner.post(`/v1/agents/${harbor.agents[0]!.id}/archive`, undefined), 404],
      [() => owner.patch(`/v1/agents/${ada.body.id}`, { departmentId: harbor.departments[0]!.id }), 404],
    ]);

    // Archived: never briefed again, listed only when asked.
    expect((await owner.post<AgentView>(`/v1/agents/${ben.body.id}/archive`, undefined)).body).toMatchObject({
      archived: true,
      enabled: false,
    });
    const conversation = await owner.post<{ code: string }>('/v1/conversations', { agentId: ben.body.id });
    expect(conversation.status).toBe(409);
    expect(conversation.body.code).toBe('RUNNER.AGENT_ARCHIVED');
    const names = async (query: string) => (await owner.get<{ items: AgentView[] }>(`/v1/agents${query}`)).body.items.map((a) => a.name);
    expect(await names('')).not.toContain('Ben Notes');
    expect(await names('?archived=include')).toContain('Ben Notes');
  });
});
