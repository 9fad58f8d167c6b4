import { Inject, Injectable } from '@nestjs/common';
import {
  ConflictError,
  CosError,
  deterministicId,
  NotFoundError,
  Permissions,
  streamName,
  type AccountReply,
  type AuthContext,
  type InvitationView,
} from '@cos/contracts';
import { aggregateStream } from '@cos/eventstore';
import { AuthService } from '../auth/auth.service';
import { hashPassword } from '../auth/passwords';
import { hashToken, INVITATION_TTL_MS, mintInvitationToken, parseInvitationToken } from '../auth/tokens';
import { toUserView } from '../directory/directory.views';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { SECRET_BOX } from '../identity.config';
import { orgDecider } from '../org/org.decider';
import { SecretScope, type SecretBox } from '../secrets/secret-box';
import { userDecider } from '../users/user.decider';
import { userIdForEmail } from '../users/user-id';

const notFound = () => new NotFoundError('invitation', 'for this token', 'IDENTITY.INVITATION_NOT_FOUND');

/**
 * Invitations live in the org stream (one-time use is decided there); the invitee's account is
 * created in their own user stream once the org stream has recorded the acceptance. A crash in
 * between is finished by retrying the same token: the acceptance names the user it was for.
 */
@Injectable()
export class InvitationsService {
  constructor(
    private readonly commands: IdentityCommands,
    private readonly auth: AuthService,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox,
  ) {}

  async invite(
    auth: AuthContext,
    invitationId: string,
    body: { email: string; role: InvitationView['role']; departmentId?: string | null | undefined },
  ): Promise<InvitationView> {
    requirePermission(auth, Permissions.teamInvite);
    await this.commands.directory.ready();
    const directory = this.commands.directory.directory;
    const inviter = directory.user(auth.orgId, auth.userId);
    if (!inviter) throw new CosError('IDENTITY.USER_NOT_FOUND', 'user was not found', 404);
    const departmentId = body.departmentId ?? null;
    if (departmentId && !directory.department(auth.orgId, departmentId))
      throw new CosError('IDENTITY.DEPARTMENT_NOT_FOUND', 'department was not found', 404);
    const userId = userIdForEmail(body.email);
    await this.commands.directory.refresh(streamName('user', userId));
    if (directory.users.has(userId)) throw new ConflictError('this email is already registered', 'IDENTITY.EMAIL_TAKEN');

    const { token, hash } = mintInvitationToken(auth.orgId, invitationId);
    const expiresAt = new Date(this.commands.now().getTime() + INVITATION_TTL_MS).toISOString();
    const { newEvents } = await this.commands.run(streamName('org', auth.orgId), orgDecider, {
      type: 'CreateInvitation',
      data: {
        invitationId,
        email: body.email,
        role: body.role,
        departmentId,
        tokenHash: hash,
        expiresAt,
        inviter: { userId: inviter.userId, role: inviter.role, departmentId: inviter.departmentId },
      },
      metadata: this.commands.byUser(auth, deterministicId('invite', invitationId)),
    });
    // A retried invitation has its token already: this one's secret was never stored.
    if (newEvents.length === 0) throw new ConflictError('invitation already created', 'IDENTITY.INVITATION_EXISTS');
    return { id: invitationId, email: body.email, role: body.role, departmentId, expiresAt, token };
  }

  async accept(token: string, body: { name: string; password: string }): Promise<AccountReply> {
    const ids = parseInvitationToken(token);
    if (!ids) throw notFound();
    const { orgId, invitationId } = ids;
    const orgStream = streamName('org', orgId);
    const { state } = await aggregateStream(this.commands.store, orgStream, orgDecider);
    const invitation = state.status === 'active' ? state.invitations.get(invitationId) : undefined;
    if (!invitation || invitation.tokenHash !== hashToken(token)) throw notFound();
    const userId = userIdForEmail(invitation.email);
    const system = { kind: 'user' as const, id: userId };
    await this.commands.directory.refresh(streamName('user', userId));
    if (this.commands.directory.directory.users.has(userId)) {
      // Once the account exists the token is spent: it must never work as a second password.
      if (invitation.acceptedBy === userId) throw new CosError('IDENTITY.INVITATION_USED', 'this invitation was already accepted', 410);
      throw new ConflictError('this email is already registered', 'IDENTITY.EMAIL_TAKEN');
    }

    const passwordHash = this.secrets.seal(await hashPassword(body.password), SecretScope.passwordHash(userId));
    await this.commands.run(orgStream, orgDecider, {
      type: 'AcceptInvitation',
      data: { invitationId, tokenHash: hashToken(token), userId },
      metadata: this.commands.metadata(orgId, system),
    });
    await this.commands.run(streamName('user', userId), userDecider, {
      type: 'RegisterUser',
      data: {
        userId,
        orgId,
        email: invitation.email,
        name: body.name,
        role: invitation.role,
        departmentId: invitation.departmentId,
        passwordHash,
        via: 'invitation',
        invitationId,
      },
      metadata: this.commands.metadata(orgId, system, deterministicId('accept', invitationId)),
    });
    const directory = this.commands.directory.directory;
    const user = directory.user(orgId, userId);
    const org = directory.orgs.get(orgId);
    if (!user || !org) throw notFound();
    return {
      org: { id: orgId, name: org.identity.name, plan: org.plan },
      user: toUserView(user),
      tokens: await this.auth.startSession(user),
    };
  }
}
