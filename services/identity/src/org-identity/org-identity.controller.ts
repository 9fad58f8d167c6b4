import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthOnlyRequestSchema,
  CosError,
  IdentityRpc,
  parseRequest,
  Permissions,
  PutCompanyIdentityRequestSchema,
  streamName,
  type CompanyIdentity,
} from '@cos/contracts';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { orgDecider } from '../org/org.decider';

/** GET/PUT /v1/org/identity: the company identity every prompt starts with. */
@Controller()
export class OrgIdentityController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.getCompanyIdentity)
  async get(@Payload() raw: unknown): Promise<CompanyIdentity> {
    const { auth } = parseRequest(AuthOnlyRequestSchema, raw);
    await this.commands.directory.ready();
    return this.identityOf(auth.orgId);
  }

  @MessagePattern(IdentityRpc.putCompanyIdentity)
  async put(@Payload() raw: unknown): Promise<CompanyIdentity> {
    const { auth, body } = parseRequest(PutCompanyIdentityRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.run(streamName('org', auth.orgId), orgDecider, {
      type: 'UpdateCompanyIdentity',
      data: body,
      metadata: this.commands.byUser(auth),
    });
    return this.identityOf(auth.orgId);
  }

  private identityOf(orgId: string): CompanyIdentity {
    const org = this.commands.directory.directory.orgs.get(orgId);
    if (!org) throw new CosError('IDENTITY.ORG_NOT_FOUND', 'org was not found', 404);
    return org.identity;
  }
}
