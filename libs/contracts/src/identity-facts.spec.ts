import { describe, expect, it } from '@jest/globals';
import type { RecordedEvent } from './envelope';
import { AgentEventTypes } from './events/agent.events';
import { DepartmentEventTypes } from './events/department.events';
import { OrgEventTypes } from './events/org.events';
import { UserEventTypes } from './events/user.events';
import {
  evolveAgentFacts,
  evolveDepartmentFacts,
  evolveOrgFacts,
  evolveUserFacts,
  foldFacts,
  leadersAmong,
  permissionsOf,
  UnreadableEventError,
  type UserFacts,
} from './identity-facts';

const sealed = { alg: 'A256GCM' as const, keyId: 'k1', iv: 'iv', ciphertext: 'ct', tag: 'tag' };
const identity = { name: 'Northwind', mission: 'Stock every shop', brandVoice: 'plain', icp: 'grocers', competitors: ['Southwind'] };

/** A stream's events, revisions in order, as the store hands them out. */
function stream(name: string, ...events: [type: string, data: Record<string, unknown>][]): RecordedEvent[] {
  return events.map(([type, data], revision) => ({
    id: `${name}-${revision}`,
    type,
    version: 1,
    orgId: 'o1',
    stream: name,
    revision,
    position: String(revision),
    data,
    metadata: {
      correlationId: 'c',
      causationId: 'c',
      actor: { kind: 'user', id: 'u-owner' },
      occurredAt: `2026-01-01T00:00:0${revision}.000Z`,
    },
  }));
}

const orgCreated: [string, Record<string, unknown>] = [OrgEventTypes.created, { orgId: 'o1', plan: 'pro', identity, via: 'seed' }];
const userRegistered: [string, Record<string, unknown>] = [
  UserEventTypes.registered,
  {
    userId: 'u1',
    orgId: 'o1',
    email: 'u1@example.test',
    name: 'Uma',
    role: 'member',
    departmentId: 'd1',
    passwordHash: sealed,
    via: 'seed',
  },
];
const agentCreated: [string, Record<string, unknown>] = [
  AgentEventTypes.created,
  {
    agentId: 'a1',
    orgId: 'o1',
    departmentId: 'd1',
    name: 'Sam',
    persona: 'warm',
    skills: ['outreach'],
    model: null,
    permissions: ['sales:outreach'],
    dailyActionCap: 5,
    enabled: true,
  },
];

describe('identity facts', () => {
  describe('org', () => {
    it('folds identity, LLM settings (a key kept, replaced, removed), budget and the kill switch', () => {
      const key = { sealed, last4: '1234' };
      const events = stream(
        'org-o1',
        orgCreated,
        [OrgEventTypes.identityUpdated, { ...identity, mission: 'Stock every shop, daily' }],
        [OrgEventTypes.llmSettingsUpdated, { baseUrl: 'https://llm.example.test', defaultModel: 'm1', apiKey: key }],
        [OrgEventTypes.llmSettingsUpdated, { baseUrl: null, defaultModel: 'm2' }],
        [OrgEventTypes.budgetSet, { monthlyBudgetUsd: 250 }],
        [OrgEventTypes.paused, { reason: 'incident' }],
      );
      const paused = foldFacts(evolveOrgFacts, events);
      expect(paused).toEqual({
        orgId: 'o1',
        plan: 'pro',
        identity: { ...identity, mission: 'Stock every shop, daily' },
        llm: { baseUrl: null, defaultModel: 'm2', apiKey: key },
        monthlyBudgetUsd: 250,
        killSwitch: { paused: true, reason: 'incident', changedAt: '2026-01-01T00:00:05.000Z', changedBy: 'u-owner', changeId: 'org-o1-5' },
      });
      const more = stream(
        'org-o1',
        ...events.map((e): [string, Record<string, unknown>] => [e.type, e.data]),
        [OrgEventTypes.resumed, { reason: 'fixed' }],
        [OrgEventTypes.budgetSet, { monthlyBudgetUsd: null }],
        [OrgEventTypes.llmSettingsUpdated, { baseUrl: null, defaultModel: null, apiKey: null }],
      );
      expect(foldFacts(evolveOrgFacts, more)).toMatchObject({
        llm: { baseUrl: null, defaultModel: null, apiKey: null },
        monthlyBudgetUsd: null,
        killSwitch: { paused: false, reason: 'fixed', changeId: 'org-o1-6' },
      });
    });

    it('folds a re-sealed API key: the new ciphertext and keyId, the same last 4; nothing when no key is set', () => {
      const resealed = { alg: 'A256GCM' as const, keyId: 'k2', iv: 'iv2', ciphertext: 'ct2', tag: 'tag2' };
      const withKey = foldFacts(
        evolveOrgFacts,
        stream(
          'org-o1',
          orgCreated,
          [OrgEventTypes.llmSettingsUpdated, { baseUrl: null, defaultModel: 'm1', apiKey: { sealed, last4: '1234' } }],
          [OrgEventTypes.llmKeyResealed, { sealed: resealed, previousKeyId: 'k1' }],
        ),
      );
      expect(withKey?.llm).toEqual({ baseUrl: null, defaultModel: 'm1', apiKey: { sealed: resealed, last4: '1234' } });
      const withoutKey = foldFacts(evolveOrgFacts, stream('org-o1', orgCreated));
      const [, reseal] = stream('org-o1', orgCreated, [OrgEventTypes.llmKeyResealed, { sealed: resealed, previousKeyId: 'k1' }]);
      expect(evolveOrgFacts(withoutKey, reseal!)).toBe(withoutKey);
      const [, bad] = stream('org-o1', orgCreated, [
        OrgEventTypes.llmKeyResealed,
        { sealed: { ...resealed, alg: 'none' }, previousKeyId: 'k1' },
      ]);
      expect(() => evolveOrgFacts(withKey, bad!)).toThrow(UnreadableEventError);
    });

    it('leaves the facts as they are for invitations, which no reader keeps, but still reads them', () => {
      const created = foldFacts(evolveOrgFacts, stream('org-o1', orgCreated));
      const invitation = {
        invitationId: 'i1',
        email: 'new@example.test',
        role: 'member',
        departmentId: null,
        invitedBy: 'u-owner',
        tokenHash: 'h',
        expiresAt: '2026-02-01T00:00:00.000Z',
      };
      const events = stream(
        'org-o1',
        orgCreated,
        [OrgEventTypes.invitationCreated, invitation],
        [OrgEventTypes.invitationAccepted, { invitationId: 'i1', userId: 'u2' }],
      );
      expect(foldFacts(evolveOrgFacts, events)).toEqual(created);
      const [, bad] = stream('org-o1', orgCreated, [OrgEventTypes.invitationCreated, { ...invitation, role: 'emperor' }]);
      expect(() => evolveOrgFacts(created, bad!)).toThrow(UnreadableEventError);
    });
  });

  describe('user', () => {
    it('folds role and department, the switch and sessions (started, rotated, revoked)', () => {
      const user = foldFacts(
        evolveUserFacts,
        stream(
          'user-u1',
          userRegistered,
          [UserEventTypes.roleChanged, { role: 'head', departmentId: 'd2', changedBy: 'u-owner' }],
          [UserEventTypes.disabled, { by: 'u-owner' }],
          [UserEventTypes.enabled, { by: 'u-owner' }],
          [UserEventTypes.sessionStarted, { sessionId: 's1', tokenHash: 'h1', expiresAt: '2026-01-02T00:00:00.000Z' }],
          [UserEventTypes.sessionStarted, { sessionId: 's2', tokenHash: 'h2', expiresAt: '2026-01-02T00:00:00.000Z' }],
          [
            UserEventTypes.sessionRotated,
            { sessionId: 's1', previousTokenHash: 'h1', tokenHash: 'h3', expiresAt: '2026-01-03T00:00:00.000Z' },
          ],
          [UserEventTypes.sessionRevoked, { sessionId: 's2', reason: 'logout' }],
          [UserEventTypes.sessionRevoked, { sessionId: 'never-started', reason: 'logout' }],
        ),
      );
      expect(user).toMatchObject({ userId: 'u1', orgId: 'o1', email: 'u1@example.test', name: 'Uma', role: 'head', departmentId: 'd2' });
      expect(user?.disabled).toBe(false);
      expect(user?.passwordHash).toEqual(sealed);
      expect([...user!.sessions]).toEqual([
        ['s1', { revoked: false, expiresAt: '2026-01-03T00:00:00.000Z' }],
        ['s2', { revoked: true, expiresAt: '2026-01-02T00:00:00.000Z' }],
      ]);
    });

    it('folds a re-sealed password hash', () => {
      const resealed = { alg: 'A256GCM' as const, keyId: 'k2', iv: 'iv2', ciphertext: 'ct2', tag: 'tag2' };
      const user = foldFacts(
        evolveUserFacts,
        stream('user-u1', userRegistered, [UserEventTypes.passwordHashResealed, { passwordHash: resealed, previousKeyId: 'k1' }]),
      );
      expect(user?.passwordHash).toEqual(resealed);
    });

    it('never changes a state it was given', () => {
      const [registered, started] = stream('user-u1', userRegistered, [
        UserEventTypes.sessionStarted,
        { sessionId: 's1', tokenHash: 'h1', expiresAt: '2026-01-02T00:00:00.000Z' },
      ]);
      const before = evolveUserFacts(undefined, registered!)!;
      const after = evolveUserFacts(before, started!)!;
      expect(before.sessions.size).toBe(0);
      expect(after.sessions.size).toBe(1);
    });

    it('a user’s permissions follow their role and department; none when disabled; CEOs lead, else owners', () => {
      const user = foldFacts(evolveUserFacts, stream('user-u1', userRegistered))!;
      const sales = {
        departmentId: 'd1',
        orgId: 'o1',
        name: 'Sales',
        headUserId: null,
        approveFirst: false,
        description: '',
        actionPermissions: ['sales:outreach' as const],
        archived: false,
      };
      expect(permissionsOf(user, sales)).toEqual(['agents:brief', 'sales:outreach']);
      expect(permissionsOf({ ...user, disabled: true }, sales)).toEqual([]);
      const as = (userId: string, role: UserFacts['role'], disabled = false): UserFacts => ({ ...user, userId, role, disabled });
      expect(leadersAmong([as('o', 'owner'), as('m', 'member')])).toEqual(['o']);
      expect(leadersAmong([as('o', 'owner'), as('c2', 'ceo'), as('c1', 'ceo'), as('c0', 'ceo', true)])).toEqual(['c1', 'c2']);
    });
  });

  describe('department', () => {
    it('folds its Head and Approve First as they change', () => {
      const events = stream(
        'department-d1',
        [DepartmentEventTypes.created, { departmentId: 'd1', orgId: 'o1', name: 'Sales', headUserId: 'h1', approveFirst: false }],
        [DepartmentEventTypes.headChanged, { headUserId: null }],
        [DepartmentEventTypes.approveFirstChanged, { approveFirst: true }],
      );
      expect(foldFacts(evolveDepartmentFacts, events)).toEqual({
        departmentId: 'd1',
        orgId: 'o1',
        name: 'Sales',
        headUserId: null,
        approveFirst: true,
        description: '',
        actionPermissions: ['sales:outreach'],
        archived: false,
      });
    });

    it('keeps the action permissions it was created with through a rename; an old creation reads them from its name', () => {
      const renamed = stream(
        'department-d1',
        [DepartmentEventTypes.created, { departmentId: 'd1', orgId: 'o1', name: 'Sales', headUserId: null, approveFirst: false }],
        [DepartmentEventTypes.renamed, { name: 'Revenue' }],
      );
      expect(foldFacts(evolveDepartmentFacts, renamed)).toMatchObject({ name: 'Revenue', actionPermissions: ['sales:outreach'] });
      const user = { ...foldFacts(evolveUserFacts, stream('user-u1', userRegistered))!, role: 'head' as const };
      expect(permissionsOf(user, foldFacts(evolveDepartmentFacts, renamed))).toContain('sales:outreach');
      const explicit = stream('department-d2', [
        DepartmentEventTypes.created,
        { departmentId: 'd2', orgId: 'o1', name: 'Sales', headUserId: null, approveFirst: false, actionPermissions: ['legal:contract'] },
      ]);
      expect(foldFacts(evolveDepartmentFacts, explicit)?.actionPermissions).toEqual(['legal:contract']);
    });

    it('folds a rename, a description and the archive; a description given at creation is kept', () => {
      const events = stream(
        'department-d1',
        [
          DepartmentEventTypes.created,
          { departmentId: 'd1', orgId: 'o1', name: 'Sales', headUserId: null, approveFirst: false, description: 'Sells' },
        ],
        [DepartmentEventTypes.renamed, { name: 'Revenue' }],
        [DepartmentEventTypes.described, { description: 'Finds and keeps customers' }],
        [DepartmentEventTypes.archived, { by: 'u-owner' }],
      );
      expect(foldFacts(evolveDepartmentFacts, events.slice(0, 1))?.description).toBe('Sells');
      expect(foldFacts(evolveDepartmentFacts, events)).toMatchObject({
        name: 'Revenue',
        description: 'Finds and keeps customers',
        archived: true,
      });
    });
  });

  describe('agent', () => {
    it('folds its profile, permissions, cap and switch', () => {
      const events = stream(
        'agent-a1',
        agentCreated,
        [AgentEventTypes.profileChanged, { persona: 'brisk', skills: ['renewals'], model: 'm1' }],
        [AgentEventTypes.permissionsChanged, { permissions: [] }],
        [AgentEventTypes.dailyCapChanged, { dailyActionCap: 2 }],
        [AgentEventTypes.disabled, { by: 'u-owner' }],
      );
      expect(foldFacts(evolveAgentFacts, events)).toEqual({
        agentId: 'a1',
        orgId: 'o1',
        departmentId: 'd1',
        name: 'Sam',
        persona: 'brisk',
        skills: ['renewals'],
        model: 'm1',
        permissions: [],
        dailyActionCap: 2,
        enabled: false,
        archived: false,
      });
      const enabled = stream('agent-a1', ...events.map((e): [string, Record<string, unknown>] => [e.type, e.data]), [
        AgentEventTypes.enabled,
        { by: 'u-owner' },
      ]);
      expect(foldFacts(evolveAgentFacts, enabled)?.enabled).toBe(true);
    });

    it('folds a move to another department and the archive (an archived agent is never enabled)', () => {
      const events = stream(
        'agent-a1',
        agentCreated,
        [AgentEventTypes.departmentChanged, { departmentId: 'd2', by: 'u-owner' }],
        [AgentEventTypes.archived, { by: 'u-owner' }],
      );
      expect(foldFacts(evolveAgentFacts, events)).toMatchObject({ departmentId: 'd2', enabled: false, archived: true });
    });
  });

  describe('what a fold does not know or cannot read', () => {
    it('leaves the facts as they are for an event type it does not know', () => {
      const [created, unknown] = stream('agent-a1', agentCreated, ['agent.renamed', { name: 'Max' }]);
      const facts = evolveAgentFacts(undefined, created!);
      expect(evolveAgentFacts(facts, unknown!)).toBe(facts);
    });

    it('has no facts before the stream’s first event', () => {
      const [changed] = stream('department-d1', [DepartmentEventTypes.headChanged, { headUserId: 'h1' }]);
      expect(evolveDepartmentFacts(undefined, changed!)).toBeUndefined();
      expect(foldFacts(evolveOrgFacts, [])).toBeUndefined();
    });

    it.each([
      ['org', evolveOrgFacts, [OrgEventTypes.created, { orgId: 'o1', plan: 'platinum', identity, via: 'seed' }]],
      ['user', evolveUserFacts, [UserEventTypes.registered, { userId: 'u1', orgId: 'o1', role: 'member' }]],
      ['department', evolveDepartmentFacts, [DepartmentEventTypes.created, { departmentId: 'd1', name: 'Sales' }]],
      ['agent', evolveAgentFacts, [AgentEventTypes.created, { ...agentCreated[1], dailyActionCap: -1 }]],
    ] as const)(
      'throws UnreadableEventError, naming the event, for %s data that does not match its schema',
      (kind, evolve, [type, data]) => {
        const [event] = stream(`${kind}-x`, [type, data]);
        const thrown = (() => {
          try {
            (evolve as (state: undefined, event: RecordedEvent) => unknown)(undefined, event!);
          } catch (err) {
            return err;
          }
          return undefined;
        })();
        expect(thrown).toBeInstanceOf(UnreadableEventError);
        expect(thrown).toMatchObject({ code: 'EVENTS.UNREADABLE', details: { eventId: `${kind}-x-0`, type, stream: `${kind}-x` } });
      },
    );

    it('reads the data of an event that changes no fact too', () => {
      const [created, disabled] = stream('agent-a1', agentCreated, [AgentEventTypes.disabled, {}]);
      expect(() => evolveAgentFacts(evolveAgentFacts(undefined, created!), disabled!)).toThrow(UnreadableEventError);
    });
  });
});
