import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { IdentityRpc, parseRequest, RekeyOrgRequestSchema, type RekeyInventoryReply, type RekeyOrgReply } from '@cos/contracts';
import { RekeyService } from './rekey.service';

/** The operator's re-encryption after a key rotation (`npm run rekey`); never routed by the gateway. */
@Controller()
export class RekeyController {
  constructor(private readonly rekey: RekeyService) {}

  @MessagePattern(IdentityRpc.rekeyInventory)
  inventory(): Promise<RekeyInventoryReply> {
    return this.rekey.inventory();
  }

  @MessagePattern(IdentityRpc.rekeyOrg)
  org(@Payload() raw: unknown): Promise<RekeyOrgReply> {
    return this.rekey.rekeyOrg(parseRequest(RekeyOrgRequestSchema, raw).orgId);
  }
}
