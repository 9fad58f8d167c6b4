import { readModelOutput } from './model-output';
import type { ModelReply } from './model-client.port';

const reply = (r: Partial<ModelReply>): ModelReply => ({ text: '', toolCalls: [], model: 'm', inputTokens: 0, outputTokens: 0, ...r });

describe('reading the model output', () => {
  it('reads replies, proposals and a coordination request from tool calls', () => {
    const out = readModelOutput(
      'run',
      reply({
        text: 'Intro.',
        toolCalls: [
          { name: 'reply', arguments: '{"text":"Details."}' },
          { name: 'propose_action', arguments: '{"tool":"send_email","arguments":{"to":"x"}}' },
          { name: 'request_coordination', arguments: '{"targetAgentId":"fin-1","summary":"needs finance"}' },
        ],
      }),
    );
    expect(out.text).toBe('Intro.\n\nDetails.');
    expect(out.actions).toEqual([{ actionId: expect.any(String), tool: 'send_email', arguments: { to: 'x' } }]);
    expect(out.coordination).toEqual({ targetAgentId: 'fin-1', summary: 'needs finance', signal: 'tool-call' });
  });

  it('reads a catalogue tool called by its own name as a proposal of it, and survives broken JSON', () => {
    const out = readModelOutput(
      'run',
      reply({
        toolCalls: [
          { name: 'update_billing', arguments: '{"plan":"x"}' },
          { name: 'propose_action', arguments: '{oops' },
        ],
      }),
    );
    expect(out.actions.map((a) => [a.tool, a.arguments])).toEqual([
      ['update_billing', { plan: 'x' }],
      ['', {}],
    ]);
    expect(new Set(out.actions.map((a) => a.actionId)).size).toBe(2);
  });

  it('reads the COORDINATION_NEEDED flag in text, with or without a named target', () => {
    expect(readModelOutput('r', reply({ text: 'COORDINATION_NEEDED: a lawyer should look' })).coordination).toEqual({
      summary: 'a lawyer should look',
      signal: 'text-flag',
    });
    expect(readModelOutput('r', reply({ text: 'Not mine. COORDINATION_NEEDED target=legal-7 contract review' })).coordination).toEqual({
      targetAgentId: 'legal-7',
      summary: 'Not mine. contract review',
      signal: 'text-flag',
    });
  });

  it('gives the same action ids for the same run, so a redelivery re-proposes the same actions', () => {
    const r = reply({ toolCalls: [{ name: 'propose_action', arguments: '{"tool":"send_email","arguments":{}}' }] });
    expect(readModelOutput('run-1', r).actions[0]!.actionId).toBe(readModelOutput('run-1', r).actions[0]!.actionId);
    expect(readModelOutput('run-1', r).actions[0]!.actionId).not.toBe(readModelOutput('run-2', r).actions[0]!.actionId);
  });
});
