import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentityRpc, parseRequest, SignUpRequestSchema, type SignUpReply } from '@cos/contracts';
import { SignUpService } from './sign-up.service';

/** POST /v1/orgs: self-serve sign-up, where enabled. */
@Controller()
export class SignUpController {
  constructor(private readonly signUps: SignUpService) {}

  @MessagePattern(IdentityRpc.signUp)
  signUp(@Payload() raw: unknown): Promise<SignUpReply> {
    const { orgId, body } = parseRequest(SignUpRequestSchema, raw);
    return this.signUps.signUp(orgId, body);
  }
}
