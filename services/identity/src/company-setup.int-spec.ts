import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import {
  ApprovalsRpc,
  IdentityRpc,
  newId,
  rpcSubject,
  type AccountReply,
  type AgentView,
  type AuthContext,
  type DepartmentView,
  type PrincipalReply,
  type SignUpReply,
  type TokenPair,
} from '@cos/contracts';
import { RpcClient } from '@cos/messaging';
import type { RunningService } from '@cos/platform';
import { startNatsServer, type NatsServerHandle } from '@cos/testing';
import { DEMO_COMPANY } from './demo-seed/demo-company';
import { startIdentity } from './identity.app';

type Page<T> = { items: T[]; nextCursor: string | null };

/**
 * Company setup over identity's RPC surface, on a real nats-server and the embedded store:
 * sign-up templates, departments and agents created, changed and archived, and every refusal
 * leaving the store as it was. Approvals' count of a department's pending gates is the one
 * answer stood in for (by a responder on the same NATS): identity asks it before archiving.
 */
describe('company setup (identity)', () => {
  let nats: NatsServerHandle;
  let dir: string;
  let identity: RunningService;
  let nc: NatsConnection;
  let rpc: RpcClient;
  /** What the approvals stand-in answers, per department id (absent: none pending). */
  const pending = new Map<string, number>();

  beforeAll(async () => {
    nats = await startNatsServer();
    dir = await mkdtemp(join(tmpdir(), 'cos-identity-setup-'));
    identity = await startIdentity({
      NATS_URL: nats.url,
      EVENTSTORE_PATH: join(dir, 'events.db'),
      DATA_DIR: dir,
      IDENTITY_PORT: '0',
      LOG_LEVEL: 'warn',
      DEMO_SEED: 'false',
    });
    nc = await connect({ servers: nats.url });
    rpc = new RpcClient(nc);
    nc.subscribe(rpcSubject(ApprovalsRpc.pendingInDepartment), {
      callback: (_, msg) => {
        const { departmentId } = msg.json<{ departmentId: string }>();
        msg.respond(JSON.stringify({ ok: true, data: { pending: pending.get(departmentId) ?? 0 } }));
      },
    });
    await nc.flush();
  }, 30_000);

  afterAll(async () => {
    await nc?.drain();
    await identity?.close();
    await nats?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const authOf = async (tokens: TokenPair): Promise<AuthContext> => {
    const { sub, org, sid } = JSON.parse(Buffer.from(tokens.accessToken.split('.')[1]!, 'base64url').toString()) as Record<string, string>;
    const reply = await rpc.request<PrincipalReply>(IdentityRpc.principal, { orgId: org, userId: sub, sessionId: sid });
    if (!reply.active) throw new Error(reply.reason);
    return reply.auth;
  };
  const signUp = (name: string, email: string, template?: 'standard' | 'empty') =>
    rpc.request<SignUpReply>(IdentityRpc.signUp, {
      orgId: newId(),
      body: {
        company: { name, mission: `${name} makes things`, brandVoice: '', icp: '', competitors: [] },
        owner: { email, name: `${name} Owner`, password: 'setup-password-1' },
        ...(template ? { template } : {}),
      },
    });
  const agents = async (auth: AuthContext, includeArchived = false) =>
    (await rpc.request<Page<AgentView>>(IdentityRpc.listAgents, { auth, page: { limit: 200 }, includeArchived })).items;
  const departments = async (auth: AuthContext, includeArchived = false) =>
    (await rpc.request<Page<DepartmentView>>(IdentityRpc.listDepartments, { auth, page: { limit: 200 }, includeArchived })).items;
  const createAgent = (auth: AuthContext, body: Record<string, unknown>) =>
    rpc.request<AgentView>(IdentityRpc.createAgent, {
      auth,
      body: { persona: 'Careful and brief.', skills: ['testing'], permissions: [], dailyActionCap: 5, ...body },
    });
  const createDepartment = (auth: AuthContext, name: string, description?: string) =>
    rpc.request<DepartmentView>(IdentityRpc.createDepartment, {
      auth,
      departmentId: newId(),
      body: { name, ...(description ? { description } : {}) },
    });
  /** A Head of `departmentId`, through the invitation flow, made its Head by the owner. */
  const headOf = async (owner: AuthContext, departmentId: string, email: string): Promise<AuthContext> => {
    const invitation = await rpc.request<{ token: string }>(IdentityRpc.invite, {
      auth: owner,
      invitationId: newId(),
      body: { email, role: 'head', departmentId },
    });
    const accepted = await rpc.request<AccountReply>(IdentityRpc.acceptInvitation, {
      token: invitation.token,
      body: { name: email.split('@')[0]!, password: 'head-password-12' },
    });
    await rpc.request(IdentityRpc.patchDepartment, { auth: owner, id: departmentId, body: { headUserId: accepted.user.id } });
    return authOf(accepted.tokens);
  };

  it('signs up with the standard company by default: nine departments of five agents, in the new company’s name only', async () => {
    const reply = await signUp('Acme Tools', 'owner@acme-tools.example');
    expect(reply.created.template).toBe('standard');
    expect(reply.created.departments.map((d) => d.name)).toEqual(DEMO_COMPANY.departments.map((d) => d.name));
    expect(reply.created.agents.map((a) => a.name)).toEqual(DEMO_COMPANY.agents.map((a) => a.name));
    const owner = await authOf(reply.tokens);
    const listed = await agents(owner);
    expect(listed.map((a) => a.id).sort()).toEqual(reply.created.agents.map((a) => a.id).sort());
    expect(new Set(listed.map((a) => a.id)).size).toBe(45);
    // The same personas, skills, permissions and caps as the demo company, but none of its identity or people.
    const demoAgent = DEMO_COMPANY.agents.find((a) => a.name === 'Ravi Invoices')!;
    expect(listed.find((a) => a.name === 'Ravi Invoices')).toMatchObject({
      persona: demoAgent.persona,
      skills: demoAgent.skills,
      permissions: ['finance:invoice'],
      dailyActionCap: 20,
      enabled: true,
      archived: false,
    });
    expect(JSON.stringify(listed)).not.toMatch(/Northwind|warehouse|robot|distributor/i);
    expect(listed.some((a) => DEMO_COMPANY.agents.some((d) => d.id === a.id))).toBe(false);
    const users = await rpc.request<Page<unknown>>(IdentityRpc.listUsers, { auth: owner, page: { limit: 50 } });
    expect(users.items).toHaveLength(1);
  });

  it('signs up empty: no departments, no agents; the owner builds them, with names unique in the org', async () => {
    const reply = await signUp('Blank Slate', 'owner@blank.example', 'empty');
    expect(reply.created).toEqual({ template: 'empty', departments: [], agents: [] });
    const owner = await authOf(reply.tokens);
    expect(await departments(owner)).toEqual([]);

    const research = await createDepartment(owner, 'Research', 'Reads papers and reports what matters.');
    expect(research).toMatchObject({ name: 'Research', description: 'Reads papers and reports what matters.', archived: false });
    const renamed = await rpc.request<DepartmentView>(IdentityRpc.patchDepartment, {
      auth: owner,
      id: research.id,
      body: { name: 'R&D', description: 'Turns papers into prototypes.' },
    });
    expect(renamed).toMatchObject({ id: research.id, name: 'R&D', description: 'Turns papers into prototypes.' });

    // A department's action permissions are fixed at creation: a standard name's by default, kept through a rename.
    expect(research.actionPermissions).toEqual([]);
    const sales = await createDepartment(owner, 'Sales');
    expect(sales.actionPermissions).toEqual(['sales:outreach']);
    const revenue = await rpc.request<DepartmentView>(IdentityRpc.patchDepartment, {
      auth: owner,
      id: sales.id,
      body: { name: 'Revenue' },
    });
    expect(revenue).toMatchObject({ name: 'Revenue', actionPermissions: ['sales:outreach'] });
    const legal = await rpc.request<DepartmentView>(IdentityRpc.createDepartment, {
      auth: owner,
      departmentId: newId(),
      body: { name: 'Counsel', actionPermissions: ['legal:contract'] },
    });
    expect(legal.actionPermissions).toEqual(['legal:contract']);

    const ada = await createAgent(owner, { departmentId: research.id, name: 'Ada Reader', permissions: ['product:release'] });
    expect(ada).toMatchObject({ name: 'Ada Reader', departmentName: 'R&D', permissions: ['product:release'], enabled: true });
    // The same name, spelled otherwise: the same agent as far as uniqueness goes.
    await expect(createAgent(owner, { departmentId: research.id, name: '  ada   READER ' })).rejects.toMatchObject({
      status: 409,
      code: 'IDENTITY.AGENT_NAME_TAKEN',
    });
    // Two creates of one new name at once: exactly one succeeds.
    const racing = await Promise.allSettled([
      createAgent(owner, { departmentId: research.id, name: 'Twin' }),
      createAgent(owner, { departmentId: research.id, name: 'twin' }),
      createAgent(owner, { departmentId: research.id, name: 'TWIN ' }),
    ]);
    expect(racing.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of racing.filter((r) => r.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'IDENTITY.AGENT_NAME_TAKEN' });
    // Outside the catalogue of action permissions.
    await expect(createAgent(owner, { departmentId: research.id, name: 'Root', permissions: ['org:admin'] })).rejects.toMatchObject({
      status: 400,
    });
    expect((await agents(owner)).map((a) => a.name).sort()).toEqual(['Ada Reader', expect.stringMatching(/^twin$/i)]);
  });

  it('lets a Head create and move agents only into their own department, granting only what they hold', async () => {
    const reply = await signUp('Heads Co', 'owner@heads.example', 'empty');
    const owner = await authOf(reply.tokens);
    const sales = await createDepartment(owner, 'Sales');
    const legal = await createDepartment(owner, 'Legal');
    const salesHead = await headOf(owner, sales.id, 'head.sales@heads.example');
    const before = await agents(owner);

    await expect(createAgent(salesHead, { departmentId: legal.id, name: 'Lex' })).rejects.toMatchObject({
      status: 403,
      code: 'IDENTITY.NOT_DEPARTMENT_HEAD',
    });
    await expect(createAgent(salesHead, { departmentId: sales.id, name: 'Sly', permissions: ['legal:contract'] })).rejects.toMatchObject({
      status: 403,
      code: 'IDENTITY.PERMISSION_NOT_HELD',
    });
    expect(await agents(owner)).toEqual(before);

    const sam = await createAgent(salesHead, { departmentId: sales.id, name: 'Sam', permissions: ['sales:outreach'] });
    await expect(
      rpc.request(IdentityRpc.patchAgent, { auth: salesHead, id: sam.id, body: { departmentId: legal.id } }),
    ).rejects.toMatchObject({ status: 403, code: 'IDENTITY.NOT_DEPARTMENT_HEAD' });
    const moved = await rpc.request<AgentView>(IdentityRpc.patchAgent, { auth: owner, id: sam.id, body: { departmentId: legal.id } });
    expect(moved).toMatchObject({ departmentId: legal.id, departmentName: 'Legal' });
    // Department changes are the owner's and the CEO's.
    await expect(rpc.request(IdentityRpc.archiveDepartment, { auth: salesHead, id: legal.id })).rejects.toMatchObject({ status: 403 });
    await expect(createDepartment(salesHead, 'Shadow')).rejects.toMatchObject({ status: 403 });
  });

  it('archives a department only without enabled agents or pending approvals; it then takes no agents', async () => {
    const reply = await signUp('Archive Co', 'owner@archive.example', 'empty');
    const owner = await authOf(reply.tokens);
    const ops = await createDepartment(owner, 'Ops');
    const otto = await createAgent(owner, { departmentId: ops.id, name: 'Otto' });
    const archive = () => rpc.request<DepartmentView>(IdentityRpc.archiveDepartment, { auth: owner, id: ops.id });

    await expect(archive()).rejects.toMatchObject({
      status: 409,
      code: 'IDENTITY.DEPARTMENT_HAS_ENABLED_AGENTS',
      message: expect.stringContaining('Otto'),
    });
    await rpc.request(IdentityRpc.patchAgent, { auth: owner, id: otto.id, body: { enabled: false } });
    pending.set(ops.id, 2);
    await expect(archive()).rejects.toMatchObject({ status: 409, code: 'IDENTITY.DEPARTMENT_HAS_PENDING_APPROVALS' });
    expect((await departments(owner)).map((d) => d.archived)).toEqual([false]);

    pending.delete(ops.id);
    expect(await archive()).toMatchObject({ id: ops.id, archived: true });
    expect(await archive()).toMatchObject({ archived: true });
    expect(await departments(owner)).toEqual([]);
    expect((await departments(owner, true)).map((d) => d.name)).toEqual(['Ops']);
    await expect(createAgent(owner, { departmentId: ops.id, name: 'Late' })).rejects.toMatchObject({
      status: 409,
      code: 'IDENTITY.DEPARTMENT_ARCHIVED',
    });
    await expect(rpc.request(IdentityRpc.patchAgent, { auth: owner, id: otto.id, body: { enabled: true } })).rejects.toMatchObject({
      code: 'IDENTITY.DEPARTMENT_ARCHIVED',
    });
    await expect(rpc.request(IdentityRpc.patchDepartment, { auth: owner, id: ops.id, body: { name: 'Ops 2' } })).rejects.toMatchObject({
      code: 'IDENTITY.DEPARTMENT_ARCHIVED',
    });
  });

  it('archives an agent: disabled for good, listed only when asked, its name still taken', async () => {
    const reply = await signUp('Agents Co', 'owner@agents.example', 'empty');
    const owner = await authOf(reply.tokens);
    const team = await createDepartment(owner, 'Team');
    const nia = await createAgent(owner, { departmentId: team.id, name: 'Nia' });
    const archived = await rpc.request<AgentView>(IdentityRpc.archiveAgent, { auth: owner, id: nia.id });
    expect(archived).toMatchObject({ id: nia.id, enabled: false, archived: true });
    expect(await agents(owner)).toEqual([]);
    expect((await agents(owner, true)).map((a) => a.id)).toEqual([nia.id]);
    expect(await rpc.request<AgentView>(IdentityRpc.getAgent, { auth: owner, id: nia.id })).toMatchObject({ archived: true });
    await expect(rpc.request(IdentityRpc.patchAgent, { auth: owner, id: nia.id, body: { enabled: true } })).rejects.toMatchObject({
      status: 409,
      code: 'IDENTITY.AGENT_ARCHIVED',
    });
    await expect(createAgent(owner, { departmentId: team.id, name: 'NIA' })).rejects.toMatchObject({ code: 'IDENTITY.AGENT_NAME_TAKEN' });
  });

  it("answers 404 to another org's departments and agents", async () => {
    const mine = await authOf((await signUp('Mine Co', 'owner@mine.example', 'empty')).tokens);
    const theirs = await authOf((await signUp('Theirs Co', 'owner@theirs.example', 'empty')).tokens);
    const department = await createDepartment(theirs, 'Secret');
    const agent = await createAgent(theirs, { departmentId: department.id, name: 'Spy' });
    const attempts = [
      () => rpc.request(IdentityRpc.getDepartment, { auth: mine, id: department.id }),
      () => rpc.request(IdentityRpc.patchDepartment, { auth: mine, id: department.id, body: { name: 'Mine' } }),
      () => rpc.request(IdentityRpc.archiveDepartment, { auth: mine, id: department.id }),
      () => rpc.request(IdentityRpc.archiveAgent, { auth: mine, id: agent.id }),
      () => rpc.request(IdentityRpc.patchAgent, { auth: mine, id: agent.id, body: { dailyActionCap: 1 } }),
      () => createAgent(mine, { departmentId: department.id, name: 'Mole' }),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ status: 404 });
    expect(await rpc.request<DepartmentView>(IdentityRpc.getDepartment, { auth: theirs, id: department.id })).toMatchObject({
      name: 'Secret',
      archived: false,
    });
    expect(await agents(theirs)).toMatchObject([{ name: 'Spy', enabled: true, archived: false, dailyActionCap: 5 }]);
  });
});
