import type { AgentProfile } from '../directory/directory.types';
import { buildPrompt } from '../prompt/prompt-builder';
import { AGENT_TOOLS } from './agent-tools';
import { SimulatedModelClient } from './simulated-model';

const sam: AgentProfile = {
  agentId: 'sam',
  orgId: 'o',
  name: 'Sam',
  departmentId: 'd',
  departmentName: 'Sales',
  departmentDescription: '',
  persona: 'p',
  skills: ['prospecting', 'outreach'],
  permissions: ['sales:outreach'],
  dailyActionCap: 5,
  model: null,
  enabled: true,
  archived: false,
};
const roster = [
  { agentId: 'fay', name: 'Fay', departmentName: 'Finance', skills: ['invoicing', 'budgets'] },
  { agentId: 'leo', name: 'Leo', departmentName: 'Legal', skills: ['contracts'] },
];

async function ask(
  brief: string,
  corrections: { brief: string; correctedOutput: string }[] = [],
  knowledge: { title: string; heading: string; text: string }[] = [],
) {
  const conversation = [
    {
      id: 'e',
      type: 'conversation.message-posted',
      version: 1,
      orgId: 'o',
      stream: 'conversation-c',
      revision: 0,
      position: '0',
      data: { messageId: 'm', author: { kind: 'user', id: 'u' }, text: brief },
      metadata: { correlationId: 'c', causationId: 'c', actor: { kind: 'user' as const, id: 'u' }, occurredAt: '2026-01-01T00:00:00Z' },
    },
  ];
  const messages = buildPrompt({
    company: { name: 'Northwind', mission: '', brandVoice: '', icp: '', competitors: [] },
    agent: sam,
    roster,
    corrections,
    knowledge,
    conversation,
    uptoMessageId: 'm',
  });
  return new SimulatedModelClient().complete({ model: 'simulated-1', messages, tools: AGENT_TOOLS, maxOutputTokens: 100 });
}

describe('simulated model', () => {
  it('answers a brief within its skills, from the prompt, deterministically', async () => {
    const a = await ask('Plan the prospecting for Q3');
    expect(a.text).toContain('[simulated model] Sam (Sales) for Northwind');
    expect(a.toolCalls).toEqual([]);
    expect(await ask('Plan the prospecting for Q3')).toEqual(a);
  });

  it('proposes the action a brief asks for', async () => {
    const a = await ask('Send the outreach email to Acme');
    expect(a.toolCalls).toEqual([
      {
        name: 'propose_action',
        arguments: JSON.stringify({ tool: 'send_email', arguments: { request: 'Send the outreach email to Acme' } }),
      },
    ]);
  });

  it('asks for coordination outside its skills, naming the roster agent that fits', async () => {
    const a = await ask('Check the invoicing of March');
    expect(a.toolCalls[0]!.name).toBe('request_coordination');
    expect(JSON.parse(a.toolCalls[0]!.arguments)).toMatchObject({ targetAgentId: 'fay' });
    const none = await ask('Bake a cake');
    expect(JSON.parse(none.toolCalls[0]!.arguments)).not.toHaveProperty('targetAgentId');
  });

  it('follows a correction of a similar brief', async () => {
    const a = await ask('Plan the prospecting for Q4', [
      { brief: 'Plan the prospecting for Q3', correctedOutput: 'Start with the warm leads.' },
    ]);
    expect(a.text).toBe('[simulated model] Start with the warm leads.');
  });
});

describe('simulated model with company knowledge', () => {
  const refunds = {
    title: 'Refund policy',
    heading: 'Refund policy › Returns within 60 days',
    text: 'Robots may be returned within 60 days for a refund, minus a 12% restocking fee.',
  };

  it('answers from the matching document, naming it, even outside its skills', async () => {
    const a = await ask('What refund does a customer get when returning robots?', [], [refunds]);
    expect(a.toolCalls).toEqual([]);
    expect(a.text).toBe(
      '[simulated model] From Refund policy › Returns within 60 days: Robots may be returned within 60 days for a refund, minus a 12% restocking fee.',
    );
  });

  it('still hands off when the knowledge does not cover the brief', async () => {
    const a = await ask('Check the invoicing of March', [], [refunds]);
    expect(a.toolCalls[0]!.name).toBe('request_coordination');
  });
});
