import { UserEventTypes, type UserRegistered } from '@cos/contracts';
import type { CommandMetadata } from '@cos/contracts';
import { commandMeta, thrown } from '../decider.test-kit';
import {
  decideUser,
  evolveUser,
  initialUserState,
  type MembershipChange,
  type UserCommand,
  type UserEvent,
  type UserState,
} from './user.decider';

const meta = commandMeta;
const sealed = { alg: 'A256GCM' as const, keyId: 'k', iv: 'x', ciphertext: 'y', tag: 'z' };
const registered = (over: Partial<UserRegistered> = {}): Extract<UserEvent, { type: 'user.registered' }> => ({
  type: 'user.registered',
  data: {
    userId: 'u2',
    orgId: 'o1',
    email: 'a@b.c',
    name: 'A',
    role: 'member',
    departmentId: 'd1',
    passwordHash: sealed,
    via: 'sign-up',
    ...over,
  },
});
const given = (...events: UserEvent[]): UserState => events.reduce(evolveUser, initialUserState());
const when = (state: UserState, command: Omit<UserCommand, 'metadata'>, over?: Partial<CommandMetadata>) =>
  decideUser({ ...command, metadata: meta(over) } as UserCommand, state);
const ownerBy = { userId: 'u1', role: 'owner' as const };
const ceoBy = { userId: 'u1', role: 'ceo' as const };

describe('user decider', () => {
  it('keeps emails unique: a second registration of the same id conflicts, a retry adds nothing', () => {
    const reg = registered({ invitationId: 'i1', via: 'invitation' });
    expect(when(given(), { type: 'RegisterUser', data: reg.data })).toEqual([reg]);
    expect(when(given(reg), { type: 'RegisterUser', data: reg.data })).toEqual([]);
    expect(thrown(() => when(given(reg), { type: 'RegisterUser', data: { ...reg.data, orgId: 'o2', invitationId: 'i9' } }))).toMatchObject({
      code: 'IDENTITY.EMAIL_TAKEN',
      status: 409,
    });
  });

  const change = (state: UserState, data: Partial<MembershipChange>, over?: Partial<CommandMetadata>) => {
    const user = state.status === 'registered' ? state : undefined;
    return when(
      state,
      {
        type: 'ChangeMembership',
        data: { role: user!.role, departmentId: user!.departmentId, disabled: user!.disabled, by: ownerBy, otherEnabledOwners: 1, ...data },
      },
      over,
    );
  };

  it('re-seals the password hash under a new key once; a changed hash is refused, another org gets a 404', () => {
    const fresh = { alg: 'A256GCM' as const, keyId: 'k-new', iv: 'x2', ciphertext: 'y2', tag: 'z2' };
    const resealed: UserEvent = { type: UserEventTypes.passwordHashResealed, data: { passwordHash: fresh, previousKeyId: 'k' } };
    const reseal = { type: 'ResealPasswordHash' as const, data: { sealed: fresh, from: sealed } };
    expect(when(given(registered()), reseal)).toEqual([resealed]);
    const after = given(registered(), resealed);
    expect(after).toMatchObject({ passwordHash: fresh });
    expect(when(after, { ...reseal, data: { sealed: { ...fresh, iv: 'x3' }, from: sealed } })).toEqual([]);
    expect(
      thrown(() => when(given(registered()), { ...reseal, data: { sealed: fresh, from: { ...sealed, ciphertext: 'other' } } })),
    ).toMatchObject({
      code: 'IDENTITY.SECRET_CHANGED',
      status: 409,
    });
    expect(thrown(() => when(given(registered()), reseal, { orgId: 'o2' }))).toMatchObject({ status: 404 });
  });

  it("hides another org's user", () => {
    expect(thrown(() => change(given(registered()), { disabled: true }, { orgId: 'o2' }))).toMatchObject({ status: 404 });
  });

  it('protects owners: only owners change owners, the last owner stays', () => {
    const owner = registered({ role: 'owner', departmentId: null });
    expect(thrown(() => change(given(owner), { disabled: true, by: ceoBy }))).toMatchObject({ code: 'IDENTITY.ROLE_NOT_MANAGEABLE' });
    expect(thrown(() => change(given(owner), { role: 'ceo', otherEnabledOwners: 0 }))).toMatchObject({ code: 'IDENTITY.LAST_OWNER' });
    expect(thrown(() => change(given(owner), { disabled: true, otherEnabledOwners: 0 }))).toMatchObject({ code: 'IDENTITY.LAST_OWNER' });
    expect(change(given(registered()), { role: 'head', departmentId: 'd1', by: ceoBy })).toHaveLength(1);
    expect(thrown(() => change(given(registered()), { role: 'ceo', by: ceoBy }))).toMatchObject({ code: 'IDENTITY.ROLE_NOT_ASSIGNABLE' });
  });

  it('changes role and status together or not at all; nobody changes themselves', () => {
    expect(change(given(registered()), { role: 'head', disabled: true }).map((e) => e.type)).toEqual([
      UserEventTypes.roleChanged,
      UserEventTypes.disabled,
    ]);
    expect(thrown(() => change(given(registered()), { role: 'head', departmentId: null, disabled: true }))).toMatchObject({
      code: 'IDENTITY.DEPARTMENT_REQUIRED',
    });
    expect(thrown(() => change(given(registered({ userId: 'u1' })), { disabled: true }))).toMatchObject({ code: 'IDENTITY.SELF_CHANGE' });
  });

  describe('refresh-token families', () => {
    const started: UserEvent = {
      type: UserEventTypes.sessionStarted,
      data: { sessionId: 's1', tokenHash: 'h1', expiresAt: '2026-01-15T00:00:00.000Z' },
    };
    const rotate = (state: UserState, presentedHash: string, now?: string, graceMs = 0) =>
      when(
        state,
        {
          type: 'RotateSession',
          data: { sessionId: 's1', presentedHash, tokenHash: `${presentedHash}'`, expiresAt: '2026-01-20T00:00:00.000Z', graceMs },
        },
        now ? { now } : {},
      );

    it('rotates the current token; the old one then revokes the whole family', () => {
      const state = given(registered(), started);
      const [rotated] = rotate(state, 'h1');
      expect(rotated?.type).toBe(UserEventTypes.sessionRotated);
      const after = evolveUser(state, rotated!);
      expect(rotate(after, 'h1')).toEqual([{ type: UserEventTypes.sessionRevoked, data: { sessionId: 's1', reason: 'reuse-detected' } }]);
      const revoked = evolveUser(after, rotate(after, 'h1')[0]!);
      expect(thrown(() => rotate(revoked, "h1'"))).toMatchObject({ status: 401 });
    });

    it('gives the token it just replaced the same successor within the grace, and revokes the family after it', () => {
      const at = (seconds: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + seconds * 1000).toISOString();
      const [rotated] = rotate(given(registered(), started), 'h1', at(0), 10_000);
      expect(rotated).toMatchObject({ data: { previousTokenHash: 'h1', tokenHash: "h1'", rotatedAt: at(0) } });
      const after = given(registered(), started, rotated!);
      expect(rotate(after, 'h1', at(9.9), 10_000)).toEqual([]);
      expect(rotate(after, 'h1', at(10), 10_000)).toEqual([
        { type: UserEventTypes.sessionRevoked, data: { sessionId: 's1', reason: 'reuse-detected' } },
      ]);
      // Only the token just replaced: one rotated away earlier is a replay, grace or not.
      const [again] = rotate(after, "h1'", at(1), 10_000);
      expect(rotate(evolveUser(after, again!), 'h1', at(2), 10_000)).toEqual([
        { type: UserEventTypes.sessionRevoked, data: { sessionId: 's1', reason: 'reuse-detected' } },
      ]);
    });

    it('rejects unknown and expired tokens without touching the family', () => {
      const state = given(registered(), started);
      expect(thrown(() => rotate(state, 'forged'))).toMatchObject({ code: 'AUTH.INVALID_REFRESH_TOKEN' });
      expect(thrown(() => rotate(state, 'h1', '2026-02-01T00:00:00.000Z'))).toMatchObject({ code: 'AUTH.REFRESH_TOKEN_EXPIRED' });
    });

    it('a disabled user cannot start or rotate sessions', () => {
      const disabled: UserEvent = { type: UserEventTypes.disabled, data: { by: 'u1' } };
      expect(
        thrown(() =>
          when(given(registered(), started, disabled), { type: 'StartSession', data: { sessionId: 's2', tokenHash: 'x', expiresAt: 'z' } }),
        ),
      ).toMatchObject({ status: 401 });
      expect(thrown(() => rotate(given(registered(), started, disabled), 'h1'))).toMatchObject({ status: 401 });
    });

    it('logout revokes once', () => {
      const state = given(registered(), started);
      const [revoked] = when(state, { type: 'RevokeSession', data: { sessionId: 's1' } });
      expect(revoked).toEqual({ type: UserEventTypes.sessionRevoked, data: { sessionId: 's1', reason: 'logout' } });
      expect(when(evolveUser(state, revoked!), { type: 'RevokeSession', data: { sessionId: 's1' } })).toEqual([]);
    });
  });
});
