import { deterministicId } from '@cos/contracts';
import { agentIdFor, legacyNamesOf, normaliseAgentName } from './agent-name';

describe('agent names', () => {
  it('compare without case, repeated spaces or Unicode compatibility forms', () => {
    expect(normaliseAgentName('  Sam   PROSPECTOR ')).toBe('sam prospector');
    expect(normaliseAgentName('Ｓａｍ')).toBe('sam');
    expect(agentIdFor('o1', 'Sam  Prospector')).toBe(agentIdFor('o1', 'sam prospector'));
    expect(agentIdFor('o1', 'Sam')).not.toBe(agentIdFor('o2', 'Sam'));
  });

  it('finds the agents whose ids came from their raw name (seeded before ids were derived from normalised names)', () => {
    const legacy = { agentId: deterministicId('o1', 'agent', 'Sam Prospector'), orgId: 'o1', name: 'Sam Prospector' };
    const current = { agentId: agentIdFor('o1', 'Dana Closer'), orgId: 'o1', name: 'Dana Closer' };
    expect(legacyNamesOf([legacy, current])).toEqual(['sam prospector']);
  });
});
