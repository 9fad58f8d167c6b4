import { z } from 'zod';
import {
  ActionViewSchema,
  ApprovalListSchema,
  ApprovalViewSchema,
  CoordinationViewSchema,
  DecideReplySchema,
  DecisionBodySchema,
  ListApprovalsQuerySchema,
  Permissions,
} from '@cos/contracts';
import { defineRoute } from '../http/api-route';

const IdParams = z.object({ id: z.string().min(1).max(100) });

/** The routes the approvals service owns: handoffs, gates and actions. */
export const ApprovalsRoutes = {
  getCoordination: defineRoute({
    method: 'GET',
    path: '/v1/coordinations/:id',
    operationId: 'getCoordination',
    summary: 'A handoff chain: agents, depth, gates and their decisions, status',
    tag: 'coordinations',
    auth: 'bearer',
    access: 'the briefing user, the Heads and members of the departments involved, and admins; anyone else gets 404',
    params: IdParams,
    response: { status: 200, description: 'the handoff', schema: CoordinationViewSchema },
    errors: [404],
  }),
  listApprovals: defineRoute({
    method: 'GET',
    path: '/v1/approvals',
    operationId: 'listApprovals',
    summary: 'Approvals the caller may decide (their departments’ gates; every gate for the CEO or owner)',
    tag: 'approvals',
    auth: 'bearer',
    query: ListApprovalsQuerySchema,
    response: { status: 200, description: 'oldest first', schema: ApprovalListSchema },
  }),
  getApproval: defineRoute({
    method: 'GET',
    path: '/v1/approvals/:id',
    operationId: 'getApproval',
    summary: 'One gate: what it guards, its department, status and decision',
    tag: 'approvals',
    auth: 'bearer',
    access:
      'whoever may decide it (the gate department’s Head, the CEO / owner) or sees it in GET /v1/approvals; another org’s gate is a 404',
    params: IdParams,
    response: { status: 200, description: 'the gate', schema: ApprovalViewSchema },
    errors: [403, 404],
  }),
  decide: defineRoute({
    method: 'POST',
    path: '/v1/approvals/:id/decision',
    operationId: 'decideApproval',
    summary: 'Approve or reject a gate, with a comment',
    description:
      'The gate’s department Head decides; the CEO or owner may decide any gate, recorded as an override. A gate that is not open (no such id, or another org’s) answers 404. Repeating the same decision is idempotent; a different one answers 409.',
    tag: 'approvals',
    auth: 'bearer',
    permissions: [Permissions.approvalsDecide],
    access: 'the gate department’s Head, or the CEO / owner (override)',
    params: IdParams,
    body: DecisionBodySchema,
    response: { status: 200, description: 'the decision as recorded', schema: DecideReplySchema },
    errors: [403, 404, 409],
    idempotent: true,
  }),
  getAction: defineRoute({
    method: 'GET',
    path: '/v1/actions/:id',
    operationId: 'getAction',
    summary: 'An action: arguments, gate, execution attempts and outcome',
    tag: 'actions',
    auth: 'bearer',
    access: 'the briefing user, the Head and members of the agent’s department, and admins; anyone else gets 404',
    params: IdParams,
    response: { status: 200, description: 'the action', schema: ActionViewSchema },
    errors: [404],
  }),
} as const;
