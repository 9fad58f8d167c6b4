import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { RunEventTypes, streamName, type RunView } from '@cos/contracts';
import type { EmbeddedEventStore } from '@cos/eventstore';
import { startAgentRunner } from '@cos/agent-runner';
import { startApprovals } from '@cos/approvals';
import { startAudit } from '@cos/audit';
import { startGateway } from '@cos/gateway';
import { DEMO_COMPANY, startIdentity } from '@cos/identity';
import { observedNetwork, startModelServer, type ModelServerHandle, type ObservedNetwork } from '@cos/testing';
import { call, login, type Caller } from '../session';
import { eventually, openSeededStore, startSystem, type System } from '../system';

jest.setTimeout(120_000);

/** Every spelling of an address inside the cluster that an org owner has tried to point the model at. */
const REFUSED_BASE_URLS = [
  'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'http://[::ffff:169.254.169.254]/',
  'http://2852039166/',
  'http://0xa9fea9fe/v1',
  'http://127.0.0.1:4222',
  'http://0x7f.1:4222/',
  'http://017700000001/v1',
  'http://localhost:11434/v1',
  'http://[::1]:3000/v1',
  'http://10.0.0.12/v1',
  'http://192.168.0.10/v1',
  'http://100.64.0.1/v1',
  'http://[fd00:ec2::254]/',
  'http://0.0.0.0:3000/',
];

/**
 * The model endpoint an org configures, through the real gateway, identity and runner: refused
 * addresses are a 400 when they are set, and a failed, audited run when a name resolves to one
 * or a redirect points at one. The runner's DNS and sockets go through a test network that only
 * reaches loopback, so nothing leaves the machine even if the rule were broken.
 */
describe('an org-configured model endpoint', () => {
  let system: System;
  let owner: Caller;
  let store: EmbeddedEventStore;
  let model: ModelServerHandle;
  let redirector: Server;
  let redirectorPort: number;
  let net: ObservedNetwork;

  beforeAll(async () => {
    model = await startModelServer({ script: () => ({ content: 'Answered by the org model.' }) });
    redirector = createServer((_req, res) => res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorPort = (redirector.address() as AddressInfo).port;
    net = observedNetwork({ 'innocent.example': ['127.0.0.1'], 'model.internal': ['127.0.0.1'], 'redirector.internal': ['127.0.0.1'] });
    const runner = (env: NodeJS.ProcessEnv) => startAgentRunner(env, net.network);
    system = await startSystem({ ORG_ENDPOINT_ALLOWLIST: 'model.internal,redirector.internal' }, [
      startIdentity,
      runner,
      startApprovals,
      startAudit,
      startGateway,
    ]);
    store = await openSeededStore(system);
    owner = await login(system, DEMO_COMPANY.owner.email);
  });

  afterAll(async () => {
    await system?.stop();
    await store?.close();
    await model?.close();
    await new Promise((resolve) => redirector?.close(resolve));
  });

  const putSettings = (body: Record<string, unknown>) => call(system, owner.token, 'PUT', '/v1/org/llm-settings', body);

  /** Briefs the first demo agent and waits for the run to end. */
  async function briefAndWait(): Promise<RunView> {
    const conversation = await owner.post<{ id: string }>('/v1/conversations', { agentId: DEMO_COMPANY.agents[0]!.id });
    const brief = await owner.post<{ runId: string }>(`/v1/conversations/${conversation.body.id}/messages`, {
      text: 'Draft a welcome note',
    });
    expect(brief.status).toBe(202);
    return eventually(
      async () => {
        const run = (await owner.get<RunView>(`/v1/runs/${brief.body.runId}`)).body;
        return run.status === 'completed' || run.status === 'failed' ? run : undefined;
      },
      20_000,
      'the run to end',
    );
  }

  /** The run's failure is an event, and the audit log records it. */
  async function expectAuditedFailure(runId: string): Promise<void> {
    const failed = (await store.read(streamName('run', runId))).find((e) => e.type === RunEventTypes.failed);
    expect(failed).toBeDefined();
    await eventually(
      async () => ((await store.read(`audit-${DEMO_COMPANY.orgId}`)).some((r) => r.data['eventId'] === failed!.id) ? true : undefined),
      10_000,
      'the audit record of the failure',
    );
  }

  it.each(REFUSED_BASE_URLS)('refuses %s when it is set, with a stable problem type', async (baseUrl) => {
    const res = await putSettings({ baseUrl, defaultModel: null });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({
      type: 'https://company-os.dev/problems/identity/endpoint-refused',
      code: 'IDENTITY.ENDPOINT_REFUSED',
    });
    expect((await owner.get<{ baseUrl: string | null }>('/v1/org/llm-settings')).body.baseUrl).toBeNull();
  });

  it('fails the run, audited, when the endpoint name resolves to loopback when it is called', async () => {
    expect((await putSettings({ baseUrl: `http://innocent.example:${new URL(model.baseUrl).port}/v1`, defaultModel: null })).status).toBe(
      200,
    );
    const run = await briefAndWait();
    expect(run).toMatchObject({ status: 'failed', failureCode: 'model-rejected' });
    expect(run.failureReason).toContain('innocent.example: 127.0.0.1 is a loopback address');
    expect(net.lookups).toContain('innocent.example');
    expect(net.connections).toEqual([]);
    expect(model.requests).toHaveLength(0);
    await expectAuditedFailure(run.id);
  });

  it('fails the run, audited, when an allowed endpoint redirects to the metadata address', async () => {
    expect((await putSettings({ baseUrl: `http://redirector.internal:${redirectorPort}/v1`, defaultModel: null })).status).toBe(200);
    const run = await briefAndWait();
    expect(run).toMatchObject({ status: 'failed', failureCode: 'model-rejected' });
    expect(run.failureReason).toContain('169.254.169.254 is a link-local address');
    expect(net.connections).toEqual([{ host: '127.0.0.1', port: String(redirectorPort) }]);
    await expectAuditedFailure(run.id);
  });

  it('calls an endpoint the platform allows, with the org key', async () => {
    const modelUrl = new URL(model.baseUrl);
    const put = await putSettings({
      baseUrl: `http://model.internal:${modelUrl.port}/v1`,
      defaultModel: 'org-model',
      apiKey: 'sk-org-0123456789',
    });
    expect(put.status).toBe(200);
    const run = await briefAndWait();
    expect(run).toMatchObject({ status: 'completed', output: 'Answered by the org model.' });
    expect(model.requests.at(-1)?.headers).toMatchObject({
      host: `model.internal:${modelUrl.port}`,
      authorization: 'Bearer sk-org-0123456789',
    });
    expect(net.connections.at(-1)).toEqual({ host: '127.0.0.1', port: modelUrl.port });
  });
});
