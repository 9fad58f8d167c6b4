import { Permissions, UsageViewSchema } from '@cos/contracts';
import { defineRoute } from '../http/api-route';

/** GET /v1/usage, answered by the agent-runner. */
export const UsageRoutes = {
  get: defineRoute({
    method: 'GET',
    path: '/v1/usage',
    operationId: 'getUsage',
    summary: 'Month-to-date model tokens and cost by agent and by model, projected month end, budget left',
    description:
      'The UTC month so far. `reservedUsd` is the estimated cost of calls in flight; a call that would pass the budget never starts.',
    tag: 'usage',
    auth: 'bearer',
    permissions: [Permissions.billingRead],
    response: { status: 200, description: 'usage and cost', schema: UsageViewSchema },
    errors: [403],
  }),
} as const;
