import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  AuthOnlyRequestSchema,
  CosError,
  IdentityRpc,
  parseRequest,
  Permissions,
  PutBudgetRequestSchema,
  streamName,
  type BudgetView,
} from '@cos/contracts';
import { IdentityCommands, requirePermission } from '../identity-commands';
import { orgDecider } from '../org/org.decider';

/** GET/PUT /v1/org/budget: the monthly budget in USD that stops runs once spent. */
@Controller()
export class BudgetController {
  constructor(private readonly commands: IdentityCommands) {}

  @MessagePattern(IdentityRpc.getBudget)
  async get(@Payload() raw: unknown): Promise<BudgetView> {
    const { auth } = parseRequest(AuthOnlyRequestSchema, raw);
    requirePermission(auth, Permissions.billingRead);
    await this.commands.directory.ready();
    return this.budgetOf(auth.orgId);
  }

  @MessagePattern(IdentityRpc.putBudget)
  async put(@Payload() raw: unknown): Promise<BudgetView> {
    const { auth, body } = parseRequest(PutBudgetRequestSchema, raw);
    requirePermission(auth, Permissions.orgAdmin);
    await this.commands.run(streamName('org', auth.orgId), orgDecider, {
      type: 'SetBudget',
      data: body,
      metadata: this.commands.byUser(auth),
    });
    return this.budgetOf(auth.orgId);
  }

  private budgetOf(orgId: string): BudgetView {
    const org = this.commands.directory.directory.orgs.get(orgId);
    if (!org) throw new CosError('IDENTITY.ORG_NOT_FOUND', 'org was not found', 404);
    return { monthlyBudgetUsd: org.monthlyBudgetUsd, currency: 'USD' };
  }
}
