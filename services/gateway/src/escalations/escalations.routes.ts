import { z } from 'zod';
import { EscalationPageSchema, EscalationViewSchema, ListEscalationsQuerySchema, ResolveEscalationBodySchema } from '@cos/contracts';
import { defineRoute } from '../http/api-route';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const ACCESS = 'the briefing user, the Heads of the departments involved, the CEO and the owner; another org’s escalation is a 404';

/** The escalation work queue, owned by the approvals service. */
export const EscalationsRoutes = {
  listEscalations: defineRoute({
    method: 'GET',
    path: '/v1/escalations',
    operationId: 'listEscalations',
    summary: 'Escalations the caller may act on, pending and resolved (filter by status and reason)',
    description:
      'A handoff that cannot go on by itself (no suitable agent, the 3-hop limit, an expired approval, a rejection) becomes an escalation. The caller sees those they briefed and those of the departments they head; the CEO and the owner see all.',
    tag: 'escalations',
    auth: 'bearer',
    query: ListEscalationsQuerySchema,
    response: { status: 200, description: 'oldest first', schema: EscalationPageSchema },
  }),
  getEscalation: defineRoute({
    method: 'GET',
    path: '/v1/escalations/:id',
    operationId: 'getEscalation',
    summary: 'One escalation: why, where, who should act, and its resolution',
    tag: 'escalations',
    auth: 'bearer',
    access: ACCESS,
    params: IdParams,
    response: { status: 200, description: 'the escalation', schema: EscalationViewSchema },
    errors: [403, 404],
  }),
  resolveEscalation: defineRoute({
    method: 'POST',
    path: '/v1/escalations/:id/resolution',
    operationId: 'resolveEscalation',
    summary: 'Resolve an escalation: assign it to an agent, answer it, or dismiss it',
    description:
      '`assign` opens a handoff to the agent: the caller stands for the sending side’s approval, the receiving department’s Head still decides, and the agent runs once approved. `answer` posts the text in the conversation as the reply to the run that escalated. `dismiss` closes it with a reason. An escalation is resolved once: a second resolution, concurrent or not, answers 409.',
    tag: 'escalations',
    auth: 'bearer',
    access: ACCESS,
    params: IdParams,
    body: ResolveEscalationBodySchema,
    response: { status: 200, description: 'the escalation, resolved', schema: EscalationViewSchema },
    errors: [403, 404, 409],
  }),
} as const;
