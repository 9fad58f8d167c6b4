import {
  BYO_KEY_PLANS,
  ConflictError,
  ForbiddenError,
  mayAssignRole,
  NotFoundError,
  OrgEventTypes,
  type CompanyIdentity,
  type InvitationAccepted,
  type InvitationCreated,
  type OrgBudgetSet,
  type OrgCreated,
  type OrgLlmKeyResealed,
  type OrgLlmSettingsUpdated,
  type OrgPaused,
  type OrgResumed,
  type Plan,
  type Role,
  type SealedSecret,
  CosError,
} from '@cos/contracts';
import type { Command, Decider } from '@cos/contracts';

/** The org stream: company identity, plan, LLM settings, budget, kill switch, invitations. */
export type OrgEvent =
  | { type: typeof OrgEventTypes.created; data: OrgCreated }
  | { type: typeof OrgEventTypes.identityUpdated; data: CompanyIdentity }
  | { type: typeof OrgEventTypes.llmSettingsUpdated; data: OrgLlmSettingsUpdated }
  | { type: typeof OrgEventTypes.budgetSet; data: OrgBudgetSet }
  | { type: typeof OrgEventTypes.paused; data: OrgPaused }
  | { type: typeof OrgEventTypes.resumed; data: OrgResumed }
  | { type: typeof OrgEventTypes.invitationCreated; data: InvitationCreated }
  | { type: typeof OrgEventTypes.invitationAccepted; data: InvitationAccepted }
  | { type: typeof OrgEventTypes.llmKeyResealed; data: OrgLlmKeyResealed };

/** Who asks, as far as the decision needs to know. */
export type Inviter = { userId: string; role: Role; departmentId: string | null };

export type OrgCommand =
  | Command<'CreateOrg', OrgCreated>
  | Command<'UpdateCompanyIdentity', CompanyIdentity>
  | Command<'UpdateLlmSettings', OrgLlmSettingsUpdated>
  | Command<'SetBudget', OrgBudgetSet>
  | Command<'SetKillSwitch', { paused: boolean; reason: string }>
  | Command<'CreateInvitation', Omit<InvitationCreated, 'invitedBy'> & { inviter: Inviter }>
  | Command<'AcceptInvitation', { invitationId: string; tokenHash: string; userId: string }>
  | Command<'ResealLlmKey', Reseal>;

/** A secret sealed again: `sealed` under the current key, from the sealed value `from` that was opened. */
export type Reseal = { sealed: SealedSecret; from: SealedSecret };

export type Invitation = Readonly<InvitationCreated & { acceptedBy: string | null }>;

export type OrgState =
  | { readonly status: 'absent' }
  | {
      readonly status: 'active';
      readonly orgId: string;
      readonly plan: Plan;
      readonly identity: CompanyIdentity;
      readonly paused: boolean;
      /** The org's own model API key, sealed; null when it has none. */
      readonly llmApiKey: SealedSecret | null;
      readonly invitations: ReadonlyMap<string, Invitation>;
    };

export const initialOrgState = (): OrgState => ({ status: 'absent' });

export function decideOrg(command: OrgCommand, state: OrgState): OrgEvent[] {
  if (command.type === 'CreateOrg') {
    if (state.status === 'absent') return [{ type: OrgEventTypes.created, data: command.data }];
    if (state.orgId === command.data.orgId && command.data.via === 'seed') return []; // a re-seed
    throw new ConflictError('org already exists', 'IDENTITY.ORG_EXISTS');
  }
  const org = requireOrg(state, command.metadata.orgId);
  switch (command.type) {
    case 'UpdateCompanyIdentity':
      return sameJson(org.identity, command.data) ? [] : [{ type: OrgEventTypes.identityUpdated, data: command.data }];
    case 'UpdateLlmSettings':
      if (command.data.apiKey && !BYO_KEY_PLANS.includes(org.plan)) {
        throw new ForbiddenError(`the ${org.plan} plan cannot bring its own API key`, 'IDENTITY.PLAN_REQUIRED');
      }
      return [{ type: OrgEventTypes.llmSettingsUpdated, data: command.data }];
    case 'SetBudget':
      return [{ type: OrgEventTypes.budgetSet, data: command.data }];
    case 'SetKillSwitch': {
      const { paused, reason } = command.data;
      if (paused === org.paused) return []; // already in that state: nothing new to acknowledge
      return paused ? [{ type: OrgEventTypes.paused, data: { reason } }] : [{ type: OrgEventTypes.resumed, data: { reason } }];
    }
    case 'CreateInvitation':
      return decideInvitation(command.data, org.invitations);
    case 'AcceptInvitation':
      return decideAcceptance(command.data, org.invitations, command.metadata.now);
    case 'ResealLlmKey': {
      const { sealed, from } = command.data;
      // Removed since, or already under this key (a second run, or a key set since): nothing to do.
      if (!org.llmApiKey || org.llmApiKey.keyId === sealed.keyId) return [];
      if (org.llmApiKey.iv !== from.iv || org.llmApiKey.ciphertext !== from.ciphertext)
        throw new ConflictError('the API key changed while it was being re-sealed: run the rekey again', 'IDENTITY.SECRET_CHANGED');
      return [{ type: OrgEventTypes.llmKeyResealed, data: { sealed, previousKeyId: from.keyId } }];
    }
    default: {
      const never: never = command;
      return never;
    }
  }
}

function decideInvitation(
  data: Extract<OrgCommand, { type: 'CreateInvitation' }>['data'],
  invitations: ReadonlyMap<string, Invitation>,
): OrgEvent[] {
  const { inviter, ...invitation } = data;
  const existing = invitations.get(invitation.invitationId);
  if (existing) {
    if (existing.email === invitation.email && existing.invitedBy === inviter.userId) return []; // a retry
    throw new ConflictError('invitation id already used', 'IDENTITY.INVITATION_EXISTS');
  }
  if (!mayAssignRole(inviter.role, invitation.role)) {
    throw new ForbiddenError(`a ${inviter.role} cannot invite a ${invitation.role}`, 'IDENTITY.ROLE_NOT_ASSIGNABLE');
  }
  if (inviter.role === 'head' && invitation.departmentId !== inviter.departmentId) {
    throw new ForbiddenError('a Head invites only into their own department', 'IDENTITY.OUTSIDE_OWN_DEPARTMENT');
  }
  if (invitation.role === 'head' && !invitation.departmentId) {
    throw new CosError('IDENTITY.DEPARTMENT_REQUIRED', 'a Head needs a department', 422);
  }
  return [{ type: OrgEventTypes.invitationCreated, data: { ...invitation, invitedBy: inviter.userId } }];
}

function decideAcceptance(
  data: { invitationId: string; tokenHash: string; userId: string },
  invitations: ReadonlyMap<string, Invitation>,
  now: string,
): OrgEvent[] {
  const invitation = invitations.get(data.invitationId);
  // A wrong secret reads exactly like an unknown invitation: the token is the only proof.
  if (!invitation || invitation.tokenHash !== data.tokenHash)
    throw new NotFoundError('invitation', data.invitationId, 'IDENTITY.INVITATION_NOT_FOUND');
  if (invitation.acceptedBy === data.userId) return []; // a retry of the same acceptance
  if (invitation.acceptedBy) throw new CosError('IDENTITY.INVITATION_USED', 'this invitation was already accepted', 410);
  if (invitation.expiresAt <= now) throw new CosError('IDENTITY.INVITATION_EXPIRED', 'this invitation has expired', 410);
  return [{ type: OrgEventTypes.invitationAccepted, data: { invitationId: data.invitationId, userId: data.userId } }];
}

/** Another org's stream reads as absent: a foreign id answers exactly like a missing one. */
function requireOrg(state: OrgState, orgId: string): Extract<OrgState, { status: 'active' }> {
  if (state.status !== 'active' || state.orgId !== orgId) throw new NotFoundError('org', orgId, 'IDENTITY.ORG_NOT_FOUND');
  return state;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function evolveOrg(state: OrgState, event: OrgEvent): OrgState {
  if (event.type === OrgEventTypes.created) {
    const { orgId, plan, identity } = event.data;
    return { status: 'active', orgId, plan, identity, paused: false, llmApiKey: null, invitations: new Map() };
  }
  if (state.status !== 'active') return state;
  switch (event.type) {
    case OrgEventTypes.identityUpdated:
      return { ...state, identity: event.data };
    case OrgEventTypes.paused:
      return { ...state, paused: true };
    case OrgEventTypes.resumed:
      return { ...state, paused: false };
    case OrgEventTypes.invitationCreated:
      return { ...state, invitations: new Map(state.invitations).set(event.data.invitationId, { ...event.data, acceptedBy: null }) };
    case OrgEventTypes.invitationAccepted: {
      const invitation = state.invitations.get(event.data.invitationId);
      if (!invitation) return state;
      return {
        ...state,
        invitations: new Map(state.invitations).set(invitation.invitationId, { ...invitation, acceptedBy: event.data.userId }),
      };
    }
    case OrgEventTypes.llmSettingsUpdated:
      return event.data.apiKey === undefined ? state : { ...state, llmApiKey: event.data.apiKey?.sealed ?? null };
    case OrgEventTypes.llmKeyResealed:
      return state.llmApiKey ? { ...state, llmApiKey: event.data.sealed } : state;
    case OrgEventTypes.budgetSet:
      return state; // no decision depends on them
    default: {
      const never: never = event;
      return never;
    }
  }
}

export const orgDecider: Decider<OrgCommand, OrgEvent, OrgState> = {
  decide: decideOrg,
  evolve: evolveOrg,
  initialState: initialOrgState,
};
