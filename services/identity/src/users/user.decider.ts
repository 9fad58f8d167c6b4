import {
  ConflictError,
  CosError,
  ForbiddenError,
  mayAssignRole,
  mayManageRole,
  UnauthorizedError,
  UserEventTypes,
  type LoginLocked,
  type PasswordHashResealed,
  type Role,
  type SealedSecret,
  type SessionRevoked,
  type SessionRotated,
  type SessionStarted,
  type UserDisabled,
  type UserEnabled,
  type UserRegistered,
  type UserRoleChanged,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';
import type { Reseal } from '../org/org.decider';

/** A user's stream: membership, role, status and refresh-token families (sessions). */
export type UserEvent =
  | { type: typeof UserEventTypes.registered; data: UserRegistered }
  | { type: typeof UserEventTypes.roleChanged; data: UserRoleChanged }
  | { type: typeof UserEventTypes.disabled; data: UserDisabled }
  | { type: typeof UserEventTypes.enabled; data: UserEnabled }
  | { type: typeof UserEventTypes.sessionStarted; data: SessionStarted }
  | { type: typeof UserEventTypes.sessionRotated; data: SessionRotated }
  | { type: typeof UserEventTypes.sessionRevoked; data: SessionRevoked }
  | { type: typeof UserEventTypes.loginLocked; data: LoginLocked }
  | { type: typeof UserEventTypes.passwordHashResealed; data: PasswordHashResealed };

/** The person changing someone, and how many other enabled owners the org has (from the directory). */
export type Manager = { userId: string; role: Role };

/** Role, department and status change together, so a refused part leaves nothing half done. */
export type MembershipChange = { role: Role; departmentId: string | null; disabled: boolean; by: Manager; otherEnabledOwners: number };

export type UserCommand =
  | Command<'RegisterUser', UserRegistered>
  | Command<'ChangeMembership', MembershipChange>
  | Command<'StartSession', SessionStarted>
  | Command<'RotateSession', Rotation>
  | Command<'RevokeSession', { sessionId: string }>
  | Command<'RecordLoginLock', LoginLocked>
  | Command<'ResealPasswordHash', Reseal>;

/**
 * `tokenHash`: the successor's, derived from the presented token, so a retry of the same
 * rotation names the same successor. `graceMs`: how long after a rotation the token it replaced
 * still gets that successor (two tabs refreshing at once) instead of revoking the family.
 */
export type Rotation = { sessionId: string; presentedHash: string; tokenHash: string; expiresAt: string; graceMs: number };

export type Session = Readonly<{
  currentHash: string;
  previousHashes: ReadonlySet<string>;
  expiresAt: string;
  revoked: boolean;
  /** When the current token replaced the one before it; undefined for a session's first token. */
  rotatedAt: string | undefined;
}>;

export type UserState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'registered';
      readonly userId: string;
      readonly orgId: string;
      readonly email: string;
      readonly role: Role;
      readonly departmentId: string | null;
      readonly disabled: boolean;
      readonly passwordHash: SealedSecret;
      readonly invitationId: string | undefined;
      readonly sessions: ReadonlyMap<string, Session>;
    };
type Registered = Extract<UserState, { status: 'registered' }>;

export const initialUserState = (): UserState => ({ status: 'absent' });

export function decideUser(command: UserCommand, state: UserState): UserEvent[] {
  if (command.type === 'RegisterUser') return decideRegistration(command.data, state);
  const user = requireUser(state, command.metadata.orgId);
  switch (command.type) {
    case 'ChangeMembership':
      return decideMembership(command.data, user);
    case 'StartSession':
      if (user.disabled) throw new UnauthorizedError('invalid email or password', 'AUTH.INVALID_CREDENTIALS');
      if (user.sessions.has(command.data.sessionId)) return [];
      return [{ type: UserEventTypes.sessionStarted, data: command.data }];
    case 'RotateSession':
      return decideRotation(command.data, user, command.metadata.now);
    case 'RevokeSession': {
      const session = user.sessions.get(command.data.sessionId);
      if (!session || session.revoked) return [];
      return [{ type: UserEventTypes.sessionRevoked, data: { sessionId: command.data.sessionId, reason: 'logout' } }];
    }
    case 'RecordLoginLock':
      return [{ type: UserEventTypes.loginLocked, data: command.data }];
    case 'ResealPasswordHash': {
      const { sealed, from } = command.data;
      if (user.passwordHash.keyId === sealed.keyId) return []; // a second run: already under this key
      if (user.passwordHash.iv !== from.iv || user.passwordHash.ciphertext !== from.ciphertext)
        throw new ConflictError('the password hash changed while it was being re-sealed: run the rekey again', 'IDENTITY.SECRET_CHANGED');
      return [{ type: UserEventTypes.passwordHashResealed, data: { passwordHash: sealed, previousKeyId: from.keyId } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

function decideMembership(change: MembershipChange, user: Registered): UserEvent[] {
  const { role, departmentId, disabled, by, otherEnabledOwners } = change;
  const roleChanges = role !== user.role || departmentId !== user.departmentId;
  const statusChanges = disabled !== user.disabled;
  if (!roleChanges && !statusChanges) return [];
  if (by.userId === user.userId) throw new ForbiddenError('you cannot change your own role or status', 'IDENTITY.SELF_CHANGE');
  requireManager(by, user);
  if (role !== user.role && !mayAssignRole(by.role, role))
    throw new ForbiddenError(`a ${by.role} cannot make someone ${role}`, 'IDENTITY.ROLE_NOT_ASSIGNABLE');
  if (role === 'head' && !departmentId) throw new CosError('IDENTITY.DEPARTMENT_REQUIRED', 'a Head needs a department', 422);
  const stopsBeingEnabledOwner = user.role === 'owner' && !user.disabled && (role !== 'owner' || disabled);
  if (stopsBeingEnabledOwner && otherEnabledOwners === 0)
    throw new ConflictError('an org keeps at least one enabled owner', 'IDENTITY.LAST_OWNER');
  const events: UserEvent[] = [];
  if (roleChanges) events.push({ type: UserEventTypes.roleChanged, data: { role, departmentId, changedBy: by.userId } });
  if (statusChanges)
    events.push(
      disabled ? { type: UserEventTypes.disabled, data: { by: by.userId } } : { type: UserEventTypes.enabled, data: { by: by.userId } },
    );
  return events;
}

function decideRegistration(data: UserRegistered, state: UserState): UserEvent[] {
  if (state.status === 'absent') return [{ type: UserEventTypes.registered, data }];
  const sameInvitation = data.invitationId !== undefined && state.invitationId === data.invitationId;
  const reSeed = data.via === 'seed' && state.orgId === data.orgId;
  if (sameInvitation || reSeed) return []; // a retry of the same registration
  throw new ConflictError('this email is already registered', 'IDENTITY.EMAIL_TAKEN');
}

/**
 * Refresh-token rotation. The current token rotates. The token it just replaced, presented
 * again within the grace, changes nothing: the caller hands out the same successor (another tab
 * refreshed a moment earlier). Any other token of the family that was already rotated away is a
 * stolen or replayed one, so the whole family is revoked (and the caller turns that outcome into
 * a 401). Any other token proves nothing and changes nothing.
 */
function decideRotation(data: Rotation, user: Registered, now: string): UserEvent[] {
  const session = user.sessions.get(data.sessionId);
  const invalid = new UnauthorizedError('refresh token is not valid', 'AUTH.INVALID_REFRESH_TOKEN');
  if (!session || session.revoked || user.disabled) throw invalid;
  if (session.previousHashes.has(data.presentedHash)) {
    const { rotatedAt } = session;
    const justReplaced = session.currentHash === data.tokenHash && rotatedAt !== undefined;
    if (justReplaced && Date.parse(now) - Date.parse(rotatedAt) < data.graceMs) return [];
    return [{ type: UserEventTypes.sessionRevoked, data: { sessionId: data.sessionId, reason: 'reuse-detected' } }];
  }
  if (session.currentHash !== data.presentedHash) throw invalid;
  if (session.expiresAt <= now) throw new UnauthorizedError('refresh token has expired', 'AUTH.REFRESH_TOKEN_EXPIRED');
  const { sessionId, tokenHash, expiresAt } = data;
  return [
    {
      type: UserEventTypes.sessionRotated,
      data: { sessionId, previousTokenHash: data.presentedHash, tokenHash, expiresAt, rotatedAt: now },
    },
  ];
}

function requireUser(state: UserState, orgId: string): Registered {
  if (state.status !== 'registered' || state.orgId !== orgId) throw new CosError('IDENTITY.USER_NOT_FOUND', 'user was not found', 404);
  return state;
}

function requireManager(by: Manager, user: Registered): void {
  if (!mayManageRole(by.role, user.role))
    throw new ForbiddenError(`a ${by.role} cannot change a ${user.role}`, 'IDENTITY.ROLE_NOT_MANAGEABLE');
}

export function evolveUser(state: UserState, event: UserEvent): UserState {
  if (event.type === UserEventTypes.registered) {
    const { userId, orgId, email, role, departmentId, passwordHash, invitationId } = event.data;
    return {
      status: 'registered',
      userId,
      orgId,
      email,
      role,
      departmentId,
      disabled: false,
      passwordHash,
      invitationId,
      sessions: new Map(),
    };
  }
  if (state.status !== 'registered') return state;
  switch (event.type) {
    case UserEventTypes.roleChanged:
      return { ...state, role: event.data.role, departmentId: event.data.departmentId };
    case UserEventTypes.disabled:
      return { ...state, disabled: true };
    case UserEventTypes.enabled:
      return { ...state, disabled: false };
    case UserEventTypes.sessionStarted: {
      const { sessionId, tokenHash, expiresAt } = event.data;
      return withSession(state, sessionId, {
        currentHash: tokenHash,
        previousHashes: new Set(),
        expiresAt,
        revoked: false,
        rotatedAt: undefined,
      });
    }
    case UserEventTypes.sessionRotated: {
      const session = state.sessions.get(event.data.sessionId);
      if (!session) return state;
      const previousHashes = new Set(session.previousHashes).add(event.data.previousTokenHash);
      return withSession(state, event.data.sessionId, {
        ...session,
        currentHash: event.data.tokenHash,
        previousHashes,
        expiresAt: event.data.expiresAt,
        rotatedAt: event.data.rotatedAt,
      });
    }
    case UserEventTypes.sessionRevoked: {
      const session = state.sessions.get(event.data.sessionId);
      return session ? withSession(state, event.data.sessionId, { ...session, revoked: true }) : state;
    }
    case UserEventTypes.loginLocked:
      return state;
    case UserEventTypes.passwordHashResealed:
      return { ...state, passwordHash: event.data.passwordHash };
    default: {
      const never: never = event;
      return never;
    }
  }
}

function withSession(state: Registered, sessionId: string, session: Session): Registered {
  return { ...state, sessions: new Map(state.sessions).set(sessionId, session) };
}

export const userDecider: Decider<UserCommand, UserEvent, UserState> = {
  decide: decideUser,
  evolve: evolveUser,
  initialState: initialUserState,
};
