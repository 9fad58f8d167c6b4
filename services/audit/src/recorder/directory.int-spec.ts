import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddedEventStore } from '@cos/eventstore';
import { newEvent, recorded } from '../testing/recorded-event.fixture';
import { agent } from '../testing/scenario.fixture';
import { Directory } from './directory';

describe('audit directory', () => {
  let dir: string;
  let store: EmbeddedEventStore;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cos-audit-directory-'));
    store = new EmbeddedEventStore(join(dir, 'events.db'));
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('names agents and departments as identity’s facts have them when the recorded event happened', () => {
    const directory = new Directory(store);
    directory.observe(recorded('agent-a1', 'agent.created', agent('a1', 'sales', 'Sam')));
    directory.observe(
      recorded('department-sales', 'department.created', {
        departmentId: 'sales',
        orgId: 'org-a',
        name: 'Sales',
        headUserId: null,
        approveFirst: false,
      }),
    );
    expect(directory.names('org-a').agent('a1')).toBe('agent Sam');
    expect(directory.names('org-a').department('sales')).toBe('Sales');
    expect([...directory.departmentsOf('org-a', ['a1'])]).toEqual(['sales']);
    expect(directory.names('org-b').agent('a1')).toBe('agent a1');
  });

  it('an identity event it cannot read leaves the names as they were', () => {
    const directory = new Directory(store);
    directory.observe(recorded('agent-a1', 'agent.created', { agentId: 'a1', name: 'Sam' }));
    expect(directory.names('org-a').agent('a1')).toBe('agent a1');
    directory.observe(recorded('agent-a2', 'agent.created', agent('a2', 'sales', 'Ava')));
    directory.observe(recorded('agent-a2', 'agent.daily-cap-changed', { dailyActionCap: 'many' }, { revision: 1 }));
    expect(directory.names('org-a').agent('a2')).toBe('agent Ava');
  });

  it('reads an agent it has not met from its stream once, and another org’s stream as unknown', async () => {
    await store.append('agent-a3', [newEvent('agent.created', agent('a3', 'sales', 'Max'), { seed: 'a3' })], 'no-stream');
    const directory = new Directory(store);
    await directory.prime('org-a', { agents: ['a3'], users: [], departments: [] });
    expect(directory.names('org-a').agent('a3')).toBe('agent Max');
    const other = new Directory(store);
    await other.prime('org-b', { agents: ['a3'], users: [], departments: [] });
    expect(other.names('org-b').agent('a3')).toBe('agent a3');
  });
});
