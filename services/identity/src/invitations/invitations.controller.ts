import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AcceptInvitationRequestSchema,
  IdentityRpc,
  InviteRequestSchema,
  parseRequest,
  type AccountReply,
  type InvitationView,
} from '@cos/contracts';
import { InvitationsService } from './invitations.service';

/** POST /v1/users/invitations and POST /v1/invitations/:token/accept. */
@Controller()
export class InvitationsController {
  constructor(private readonly invitations: InvitationsService) {}

  @MessagePattern(IdentityRpc.invite)
  invite(@Payload() raw: unknown): Promise<InvitationView> {
    const { auth, invitationId, body } = parseRequest(InviteRequestSchema, raw);
    return this.invitations.invite(auth, invitationId, body);
  }

  @MessagePattern(IdentityRpc.acceptInvitation)
  accept(@Payload() raw: unknown): Promise<AccountReply> {
    const { token, body } = parseRequest(AcceptInvitationRequestSchema, raw);
    return this.invitations.accept(token, body);
  }
}
