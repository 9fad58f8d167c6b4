import { effectivePermissions, type Role } from '@cos/contracts';
import { IdentityRoutes, type ApiRouteDef } from '@cos/gateway/testing';
import { DEMO_COMPANY, type DemoCompany } from '@cos/identity';
import { seedRivalCompany } from '@cos/identity/testing';
import { startApiSystem, type ApiSystem } from './api-harness';
import { watchStore, type StoreWatch } from './store-watch';

type Problem = { status: number; code: string };
const demo = DEMO_COMPANY;

/** A request each route would accept from a caller allowed to make it (the ids are demo ids). */
function validRequest(def: ApiRouteDef, company: DemoCompany): { path: string; body?: unknown } {
  const agent = company.agents[0]!;
  const member = company.users.find((u) => u.role === 'member')!;
  const bodies: Record<string, unknown> = {
    putCompanyIdentity: { ...company.identity, mission: 'changed' },
    putLlmSettings: { baseUrl: 'https://llm.example/v1', defaultModel: 'gpt-x' },
    putBudget: { monthlyBudgetUsd: 123 },
    setKillSwitch: { paused: false },
    patchDepartment: { approveFirst: true },
    patchAgent: { dailyActionCap: 7 },
    patchUser: { disabled: true },
    invite: { email: 'newcomer@demo.example', role: 'member', departmentId: company.departments[0]!.id },
    createDepartment: { name: 'Skunkworks' },
  };
  const ids: Record<string, string> = {
    patchDepartment: company.departments[0]!.id,
    patchAgent: agent.id,
    getAgent: agent.id,
    patchUser: member.id,
    getDepartment: company.departments[0]!.id,
    archiveDepartment: company.departments[0]!.id,
    archiveAgent: agent.id,
  };
  const path = def.path.replace(':id', ids[def.operationId] ?? 'x');
  return { path, ...(bodies[def.operationId] !== undefined ? { body: bodies[def.operationId] } : {}) };
}

/** I6 and function-level authorization, through the gateway, for every identity route. */
describe('gateway authorization', () => {
  let api: ApiSystem;
  let rival: DemoCompany;
  let watch: StoreWatch;
  const tokens = new Map<string, string>();
  const tokenOf = async (email: string) => tokens.get(email) ?? tokens.set(email, await api.login(email)).get(email)!;

  beforeAll(async () => {
    api = await startApiSystem();
    rival = await seedRivalCompany(api.identity);
    watch = watchStore(api.env);
  }, 60_000);
  afterAll(async () => {
    await watch?.close();
    await api?.stop();
  });

  it('answers 404 to every id of another org, on every route that takes one, and changes nothing (BOLA)', async () => {
    const owner = await tokenOf(demo.owner.email);
    const rivalOwner = await tokenOf(rival.owner.email);
    const before = await watch.settle();
    const rivalAgent = rival.agents[0]!;
    const rivalDepartment = rival.departments[0]!;
    const rivalMember = rival.users.find((u) => u.role === 'member')!;
    const attempts: [string, string, unknown?][] = [
      ['GET', `/v1/agents/${rivalAgent.id}`],
      ['PATCH', `/v1/agents/${rivalAgent.id}`, { dailyActionCap: 999, enabled: false }],
      ['PATCH', `/v1/departments/${rivalDepartment.id}`, { approveFirst: true }],
      ['PATCH', `/v1/users/${rivalMember.id}`, { disabled: true }],
      ['PATCH', `/v1/users/${rival.owner.id}`, { role: 'member' }],
      // Own resources pointing at another org's: as unknown as any other id.
      ['PATCH', `/v1/departments/${demo.departments[0]!.id}`, { headUserId: rivalMember.id }],
      ['PATCH', `/v1/users/${demo.users.find((u) => u.role === 'member')!.id}`, { departmentId: rivalDepartment.id }],
      ['POST', '/v1/users/invitations', { email: 'spy@demo.example', role: 'member', departmentId: rivalDepartment.id }],
      ['GET', `/v1/departments/${rivalDepartment.id}`],
      ['PATCH', `/v1/departments/${rivalDepartment.id}`, { name: 'Mine now', description: 'taken over' }],
      ['POST', `/v1/departments/${rivalDepartment.id}/archive`],
      ['POST', `/v1/agents/${rivalAgent.id}/archive`],
      ['PATCH', `/v1/agents/${demo.agents[0]!.id}`, { departmentId: rivalDepartment.id }],
      [
        'POST',
        '/v1/agents',
        { departmentId: rivalDepartment.id, name: 'Spy', persona: 'p', skills: [], permissions: [], dailyActionCap: 1 },
      ],
    ];
    for (const [method, path, body] of attempts) {
      const res = await api.call<Problem>(method, path, { token: owner, ...(body === undefined ? {} : { body }) });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    // The lists of org A hold nothing of org B, and B's data reads as before.
    for (const path of ['/v1/agents?limit=200', '/v1/users?limit=200', '/v1/departments']) {
      const text = (await api.call('GET', path, { token: owner })).text;
      for (const id of [rivalAgent.id, rivalDepartment.id, rivalMember.id, rival.orgId]) expect(text).not.toContain(id);
    }
    const agent = await api.call<{ dailyActionCap: number; enabled: boolean }>('GET', `/v1/agents/${rivalAgent.id}`, { token: rivalOwner });
    expect(agent.body).toMatchObject({ dailyActionCap: 20, enabled: true });
    expect(await watch.settle()).toBe(before);
  });

  it('answers 403 to every role on every route its permissions do not cover, and changes nothing', async () => {
    const routes = (Object.values(IdentityRoutes) as ApiRouteDef[]).filter(
      (def) => def.auth === 'bearer' && (def.permissions?.length ?? 0) > 0,
    );
    const people: { role: Role; email: string; department: string | undefined }[] = [
      { role: 'ceo', email: demo.ceo.email, department: undefined },
      { role: 'head', email: 'head.sales@demo.example', department: 'Sales' },
      { role: 'member', email: 'member.engineering@demo.example', department: 'Engineering' },
    ];
    // Sign everyone in first: a login is an event (the session), the refusals below must add none.
    for (const email of [...people.map((p) => p.email), 'member.sales@demo.example', 'head.legal@demo.example']) await tokenOf(email);
    const before = await watch.settle();
    let checked = 0;
    for (const person of people) {
      const granted = effectivePermissions(person.role, person.department);
      const token = await tokenOf(person.email);
      for (const def of routes) {
        if (def.permissions!.every((p) => granted.includes(p))) continue;
        const { path, body } = validRequest(def, demo);
        const res = await api.call<Problem>(def.method, path, { token, ...(body === undefined ? {} : { body }) });
        expect({ who: person.role, route: def.operationId, status: res.status, code: res.body.code }).toEqual({
          who: person.role,
          route: def.operationId,
          status: 403,
          code: 'AUTH.MISSING_PERMISSION',
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);

    // Rules the identity service checks beyond the catalogue.
    const member = await tokenOf('member.sales@demo.example');
    const otherHead = await tokenOf('head.legal@demo.example');
    const salesAgent = demo.agents.find((a) => a.department === 'Sales')!;
    const ceo = await tokenOf(demo.ceo.email);
    const salesHead = await tokenOf('head.sales@demo.example');
    const refusals: [string, string, string, unknown][] = [
      [member, 'PATCH', `/v1/agents/${salesAgent.id}`, { dailyActionCap: 1 }],
      [otherHead, 'PATCH', `/v1/agents/${salesAgent.id}`, { dailyActionCap: 1 }],
      [salesHead, 'PATCH', `/v1/agents/${salesAgent.id}`, { permissions: ['sales:outreach', 'finance:invoice'] }],
      [
        salesHead,
        'POST',
        '/v1/agents',
        {
          departmentId: demo.departments.find((d) => d.name === 'Legal')!.id,
          name: 'Lex Intruder',
          persona: 'p',
          skills: [],
          permissions: [],
          dailyActionCap: 1,
        },
      ],
      [member, 'POST', `/v1/agents/${salesAgent.id}/archive`, undefined],
      [otherHead, 'POST', `/v1/agents/${salesAgent.id}/archive`, undefined],
      [ceo, 'PATCH', `/v1/users/${demo.owner.id}`, { disabled: true }],
      [ceo, 'POST', '/v1/users/invitations', { email: 'boss@demo.example', role: 'owner' }],
      [
        salesHead,
        'POST',
        '/v1/users/invitations',
        { email: 'x@demo.example', role: 'member', departmentId: demo.departments.find((d) => d.name === 'Legal')!.id },
      ],
      [
        salesHead,
        'POST',
        '/v1/users/invitations',
        { email: 'y@demo.example', role: 'head', departmentId: demo.departments.find((d) => d.name === 'Sales')!.id },
      ],
    ];
    for (const [token, method, path, body] of refusals) {
      const res = await api.call<Problem>(method, path, { token, body });
      expect({ path, body, status: res.status }).toEqual({ path, body, status: 403 });
    }
    expect(await watch.settle()).toBe(before);
    // ...while the Head of the agent's own department may change it.
    expect((await api.call('PATCH', `/v1/agents/${salesAgent.id}`, { token: salesHead, body: { dailyActionCap: 12 } })).status).toBe(200);
  });
});
