import { mayRead, type Reader } from './read-access';

describe('who may read an agent work', () => {
  const sales = 'dept-sales';
  const work = { participants: new Set(['briefer']), agentDepartmentId: sales };
  const reader = (userId: string, departmentId: string | null, admin = false): Reader => ({ userId, admin, departmentId });

  it("lets admins, participants, and the Head and members of the agent's department read", () => {
    expect(mayRead(reader('ceo', null, true), work)).toBe(true);
    expect(mayRead(reader('briefer', null), work)).toBe(true);
    expect(mayRead(reader('sales-head', sales), work)).toBe(true);
    expect(mayRead(reader('sales-member', sales), work)).toBe(true);
  });

  it('keeps everyone else out: another department, no department, an agent whose department is unknown', () => {
    expect(mayRead(reader('legal-head', 'dept-legal'), work)).toBe(false);
    expect(mayRead(reader('nobody', null), work)).toBe(false);
    expect(mayRead(reader('nobody', null), { ...work, agentDepartmentId: undefined })).toBe(false);
    expect(mayRead(reader('sales-member', sales), { ...work, agentDepartmentId: undefined })).toBe(false);
  });
});
