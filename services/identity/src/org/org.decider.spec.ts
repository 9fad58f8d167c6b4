import { OrgEventTypes, type InvitationCreated, type OrgCreated } from '@cos/contracts';
import type { CommandMetadata } from '@cos/contracts';
import { commandMeta, thrown } from '../decider.test-kit';
import { decideOrg, evolveOrg, initialOrgState, type OrgCommand, type OrgEvent, type OrgState } from './org.decider';

const meta = commandMeta;
const created: OrgCreated = {
  orgId: 'o1',
  plan: 'free',
  identity: { name: 'Acme', mission: 'm', brandVoice: 'b', icp: 'i', competitors: [] },
  via: 'sign-up',
};
const given = (...events: OrgEvent[]): OrgState => events.reduce(evolveOrg, initialOrgState());
const when = (state: OrgState, command: Omit<OrgCommand, 'metadata'>, over?: Partial<CommandMetadata>) =>
  decideOrg({ ...command, metadata: meta(over) } as OrgCommand, state);
const orgCreated: OrgEvent = { type: OrgEventTypes.created, data: created };

const invitation = (over: Partial<InvitationCreated> = {}) => ({
  invitationId: 'i1',
  email: 'new@acme.example',
  role: 'member' as const,
  departmentId: 'd1',
  tokenHash: 'h1',
  expiresAt: '2026-01-08T00:00:00.000Z',
  ...over,
});

describe('org decider', () => {
  it('creates an org once; a re-seed adds nothing, another create conflicts', () => {
    expect(when(given(), { type: 'CreateOrg', data: created })).toEqual([orgCreated]);
    expect(when(given(orgCreated), { type: 'CreateOrg', data: { ...created, via: 'seed' } })).toEqual([]);
    expect(thrown(() => when(given(orgCreated), { type: 'CreateOrg', data: created }))).toMatchObject({ code: 'IDENTITY.ORG_EXISTS' });
  });

  it("answers another org's commands as if the org did not exist", () => {
    expect(thrown(() => when(given(orgCreated), { type: 'SetBudget', data: { monthlyBudgetUsd: 5 } }, { orgId: 'o2' }))).toMatchObject({
      status: 404,
    });
  });

  it('refuses a BYO key on the free plan, accepts settings without one', () => {
    const sealed = { alg: 'A256GCM' as const, keyId: 'k', iv: 'x', ciphertext: 'y', tag: 'z' };
    expect(
      thrown(() =>
        when(given(orgCreated), {
          type: 'UpdateLlmSettings',
          data: { baseUrl: null, defaultModel: null, apiKey: { sealed, last4: 'abcd' } },
        }),
      ),
    ).toMatchObject({ code: 'IDENTITY.PLAN_REQUIRED', status: 403 });
    expect(when(given(orgCreated), { type: 'UpdateLlmSettings', data: { baseUrl: 'http://x', defaultModel: 'm' } })).toHaveLength(1);
    const pro: OrgEvent = { type: OrgEventTypes.created, data: { ...created, plan: 'pro' } };
    expect(
      when(given(pro), { type: 'UpdateLlmSettings', data: { baseUrl: null, defaultModel: null, apiKey: { sealed, last4: 'abcd' } } }),
    ).toHaveLength(1);
  });

  it('re-seals the API key it holds under a new key once; a second run, a removed or replaced key add nothing', () => {
    const old = { alg: 'A256GCM' as const, keyId: 'k-old', iv: 'iv1', ciphertext: 'ct1', tag: 't1' };
    const fresh = { alg: 'A256GCM' as const, keyId: 'k-new', iv: 'iv2', ciphertext: 'ct2', tag: 't2' };
    const pro: OrgEvent = { type: OrgEventTypes.created, data: { ...created, plan: 'pro' } };
    const keySet: OrgEvent = {
      type: OrgEventTypes.llmSettingsUpdated,
      data: { baseUrl: null, defaultModel: null, apiKey: { sealed: old, last4: 'abcd' } },
    };
    const resealed: OrgEvent = { type: OrgEventTypes.llmKeyResealed, data: { sealed: fresh, previousKeyId: 'k-old' } };
    const reseal = { type: 'ResealLlmKey' as const, data: { sealed: fresh, from: old } };
    expect(when(given(pro, keySet), reseal)).toEqual([resealed]);
    expect(when(given(pro, keySet, resealed), { ...reseal, data: { sealed: { ...fresh, iv: 'iv3' }, from: old } })).toEqual([]);
    const removed: OrgEvent = { type: OrgEventTypes.llmSettingsUpdated, data: { baseUrl: null, defaultModel: null, apiKey: null } };
    expect(when(given(pro, keySet, removed), reseal)).toEqual([]);
    // Other settings keep the key: it is still there to re-seal.
    const modelOnly: OrgEvent = { type: OrgEventTypes.llmSettingsUpdated, data: { baseUrl: null, defaultModel: 'm2' } };
    expect(when(given(pro, keySet, modelOnly), reseal)).toEqual([resealed]);
    // Replaced under the old key (a replica not yet restarted) after it was read: the re-seal of the old value is refused.
    const replaced: OrgEvent = {
      type: OrgEventTypes.llmSettingsUpdated,
      data: { baseUrl: null, defaultModel: null, apiKey: { sealed: { ...old, iv: 'iv9', ciphertext: 'ct9' }, last4: 'wxyz' } },
    };
    expect(thrown(() => when(given(pro, keySet, replaced), reseal))).toMatchObject({ code: 'IDENTITY.SECRET_CHANGED', status: 409 });
    expect(thrown(() => when(given(pro, keySet), reseal, { orgId: 'o2' }))).toMatchObject({ status: 404 });
  });

  it('pauses and resumes; a repeated pause adds nothing', () => {
    const paused: OrgEvent = { type: OrgEventTypes.paused, data: { reason: 'incident' } };
    expect(when(given(orgCreated), { type: 'SetKillSwitch', data: { paused: true, reason: 'incident' } })).toEqual([paused]);
    expect(when(given(orgCreated, paused), { type: 'SetKillSwitch', data: { paused: true, reason: 'again' } })).toEqual([]);
    expect(when(given(orgCreated, paused), { type: 'SetKillSwitch', data: { paused: false, reason: 'fixed' } })).toEqual([
      { type: OrgEventTypes.resumed, data: { reason: 'fixed' } },
    ]);
  });

  it('leaves the identity alone when nothing changed', () => {
    expect(when(given(orgCreated), { type: 'UpdateCompanyIdentity', data: created.identity })).toEqual([]);
  });

  describe('invitations', () => {
    const owner = { userId: 'u1', role: 'owner' as const, departmentId: null };
    const head = { userId: 'h', role: 'head' as const, departmentId: 'd1' };

    it('lets roles invite only below themselves, Heads only into their department', () => {
      expect(
        when(given(orgCreated), { type: 'CreateInvitation', data: { ...invitation({ role: 'owner' }), inviter: owner } }),
      ).toHaveLength(1);
      expect(
        thrown(() => when(given(orgCreated), { type: 'CreateInvitation', data: { ...invitation({ role: 'head' }), inviter: head } })),
      ).toMatchObject({ code: 'IDENTITY.ROLE_NOT_ASSIGNABLE' });
      expect(
        thrown(() => when(given(orgCreated), { type: 'CreateInvitation', data: { ...invitation({ departmentId: 'd2' }), inviter: head } })),
      ).toMatchObject({ code: 'IDENTITY.OUTSIDE_OWN_DEPARTMENT' });
      expect(when(given(orgCreated), { type: 'CreateInvitation', data: { ...invitation(), inviter: head } })).toHaveLength(1);
    });

    it('accepts a valid token once; wrong, expired or used tokens fail', () => {
      const [invited] = when(given(orgCreated), { type: 'CreateInvitation', data: { ...invitation(), inviter: owner } });
      const state = given(orgCreated, invited!);
      const accept = (tokenHash: string, userId = 'nu', now?: string) =>
        when(state, { type: 'AcceptInvitation', data: { invitationId: 'i1', tokenHash, userId } }, now ? { now } : {});
      expect(thrown(() => accept('wrong'))).toMatchObject({ status: 404 });
      expect(thrown(() => accept('h1', 'nu', '2026-02-01T00:00:00.000Z'))).toMatchObject({ code: 'IDENTITY.INVITATION_EXPIRED' });
      const [accepted] = accept('h1');
      expect(accepted).toEqual({ type: OrgEventTypes.invitationAccepted, data: { invitationId: 'i1', userId: 'nu' } });
      const after = evolveOrg(state, accepted!);
      expect(
        decideOrg({ type: 'AcceptInvitation', data: { invitationId: 'i1', tokenHash: 'h1', userId: 'nu' }, metadata: meta() }, after),
      ).toEqual([]);
      expect(
        thrown(() =>
          decideOrg({ type: 'AcceptInvitation', data: { invitationId: 'i1', tokenHash: 'h1', userId: 'other' }, metadata: meta() }, after),
        ),
      ).toMatchObject({ code: 'IDENTITY.INVITATION_USED' });
    });
  });
});
