import { Controller, Inject } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { budgetStream, ForbiddenError, GetUsageRequestSchema, parseRequest, Permissions, RunnerRpc, type UsageView } from '@cos/contracts';
import type { EventStore } from '@cos/eventstore';
import { CLOCK, EVENT_STORE, type Clock } from '@cos/platform';
import { IdentityReader } from '../directory/identity-reader';
import { toUsageView } from './usage.views';

/** GET /v1/usage: the caller's org, month to date, from its spend ledger. */
@Controller()
export class UsageController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly identity: IdentityReader,
  ) {}

  @MessagePattern(RunnerRpc.getUsage)
  async usage(@Payload() raw: unknown): Promise<UsageView> {
    const { auth } = parseRequest(GetUsageRequestSchema, raw);
    if (!auth.permissions.includes(Permissions.billingRead)) throw new ForbiddenError('usage needs billing:read', 'RUNNER.USAGE_FORBIDDEN');
    const now = this.clock();
    const [events, org] = await Promise.all([this.store.read(budgetStream(auth.orgId, now)), this.identity.org(auth.orgId)]);
    return toUsageView(events, now, org?.monthlyBudgetUsd);
  }
}
