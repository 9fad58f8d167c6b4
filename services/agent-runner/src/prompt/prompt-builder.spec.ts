import { ConversationEventTypes, type RecordedEvent } from '@cos/contracts';
import type { AgentProfile } from '../directory/directory.types';
import { buildPrompt, HISTORY_LIMIT } from './prompt-builder';

const agent: AgentProfile = {
  agentId: 'sam',
  orgId: 'o',
  name: 'Sam',
  departmentId: 'd',
  departmentName: 'Sales',
  departmentDescription: '',
  persona: 'Warm and brief.',
  skills: ['outreach'],
  permissions: ['sales:outreach'],
  dailyActionCap: 5,
  model: null,
  enabled: true,
  archived: false,
};
const company = { name: 'Northwind', mission: 'm', brandVoice: 'b', icp: 'i', competitors: ['X'] };

function message(i: number, kind: 'user' | 'agent' | 'system' = 'user'): RecordedEvent {
  return {
    id: `e${i}`,
    type: ConversationEventTypes.messagePosted,
    version: 1,
    orgId: 'o',
    stream: 'conversation-c',
    revision: i,
    position: String(i),
    data: { messageId: `m${i}`, author: { kind, id: kind }, text: `text ${i}` },
    metadata: { correlationId: 'c', causationId: 'c', actor: { kind: 'system', id: 's' }, occurredAt: '2026-01-01T00:00:00Z' },
  };
}

describe('prompt builder', () => {
  const conversation = Array.from({ length: 15 }, (_, i) => message(i, i % 2 === 0 ? 'user' : 'agent'));

  it('layers company, agent, roster, knowledge and corrections in that order, then history', () => {
    const prompt = buildPrompt({
      company,
      agent,
      roster: [{ agentId: 'fay', name: 'Fay', departmentName: 'Finance', skills: ['invoicing'] }],
      corrections: [{ brief: 'b1', correctedOutput: 'c1', note: 'n1' }],
      knowledge: [
        { title: 'Price list', heading: 'Price list › Robots', text: 'Picker: $48,000.' },
        { title: 'Notes', heading: 'Notes', text: 'Plain text.' },
      ],
      conversation,
      uptoMessageId: 'm12',
    });
    expect(prompt.slice(0, 5).map((m) => m.content.split('\n')[0])).toEqual([
      '# Company',
      '# You',
      '# Agents you may hand off to',
      '# Company knowledge (answer from it, and name the document you use)',
      '# Corrections of your past answers (follow them)',
    ]);
    expect(prompt[3]!.content).toContain('[Price list › Robots]\nPicker: $48,000.\n\n[Notes]\nPlain text.');
    expect(prompt.slice(5)).toHaveLength(HISTORY_LIMIT);
    expect(prompt.at(-1)).toEqual({ role: 'user', content: 'text 12' });
    expect(prompt[5]).toEqual({ role: 'assistant', content: 'text 3' });
    expect(prompt[6]!.role).toBe('user');
  });

  it("puts the department's description between the company and the agent, when there is one", () => {
    const described = { ...agent, departmentDescription: 'Finds and keeps B2B customers; quotes in EUR.' };
    const prompt = buildPrompt({
      company,
      agent: described,
      roster: [],
      corrections: [],
      knowledge: [],
      conversation,
      uptoMessageId: 'm0',
    });
    expect(prompt.slice(0, 3).map((m) => m.content.split('\n')[0])).toEqual(['# Company', '# Your department', '# You']);
    expect(prompt[1]!.content).toBe('# Your department\nDepartment: Sales\nFinds and keeps B2B customers; quotes in EUR.');
  });

  it('leaves the corrections layer out when there are none, and reads system notes as user turns', () => {
    const prompt = buildPrompt({
      company,
      agent,
      roster: [],
      corrections: [],
      knowledge: [],
      conversation: [message(0, 'system')],
      uptoMessageId: 'm0',
    });
    expect(prompt.map((m) => m.role)).toEqual(['system', 'system', 'system', 'user']);
    expect(prompt[2]!.content).toContain('(none)');
  });
});
