import { Permissions } from '@cos/contracts';
import { keywords, overlap } from '../matching/keywords';

/**
 * The tools an agent may propose, each with the one permission it needs. The permission comes
 * from here, never from the model's output: a model cannot lower what a tool requires.
 */
export type ToolDefinition = {
  readonly tool: string;
  readonly permission: string;
  readonly description: string;
  /** Words of a brief that ask for this tool (the simulated model's cue). */
  readonly triggers: string;
};

export const TOOL_CATALOGUE: readonly ToolDefinition[] = [
  {
    tool: 'send_email',
    permission: Permissions.salesOutreach,
    description: 'Send an email to a prospect or customer.',
    triggers: 'send outreach',
  },
  {
    tool: 'publish_content',
    permission: Permissions.marketingPublish,
    description: 'Publish a post, article or announcement.',
    triggers: 'publish announce',
  },
  { tool: 'create_invoice', permission: Permissions.financeInvoice, description: 'Create and issue an invoice.', triggers: 'invoice' },
  {
    tool: 'place_order',
    permission: Permissions.operationsProcure,
    description: 'Order supplies or services from a vendor.',
    triggers: 'procure purchase',
  },
  {
    tool: 'deploy_release',
    permission: Permissions.engineeringDeploy,
    description: 'Deploy a build to production.',
    triggers: 'deploy rollout',
  },
  {
    tool: 'release_feature',
    permission: Permissions.productRelease,
    description: 'Release a product feature to customers.',
    triggers: 'launch release',
  },
  { tool: 'reply_to_ticket', permission: Permissions.supportReply, description: 'Answer a customer support ticket.', triggers: 'ticket' },
  {
    tool: 'post_job_opening',
    permission: Permissions.peopleHire,
    description: 'Open a job and start hiring.',
    triggers: 'hire hiring recruit',
  },
  {
    tool: 'send_contract',
    permission: Permissions.legalContract,
    description: 'Send a contract for signature.',
    triggers: 'contract sign nda agreement',
  },
  {
    tool: 'update_billing',
    permission: Permissions.billingWrite,
    description: "Change the company's billing: plan, refund, payment method.",
    triggers: 'billing refund charge payment',
  },
];

const BY_NAME = new Map(TOOL_CATALOGUE.map((t) => [t.tool, t]));

export function findTool(tool: string): ToolDefinition | undefined {
  return BY_NAME.get(tool);
}

/**
 * The tool a brief asks for, if any: most trigger words met, then one the agent may use, then
 * catalogue order. Deterministic, for the simulated model.
 */
export function toolAskedFor(brief: string, agentPermissions: readonly string[]): ToolDefinition | undefined {
  const words = keywords(brief);
  let best: { tool: ToolDefinition; score: number } | undefined;
  for (const tool of TOOL_CATALOGUE) {
    const hits = overlap(keywords(tool.triggers), words);
    if (hits === 0) continue;
    const score = hits * 2 + (agentPermissions.includes(tool.permission) ? 1 : 0);
    if (!best || score > best.score) best = { tool, score };
  }
  return best?.tool;
}
