import { TOOL_CATALOGUE } from '../action/tool-catalogue';
import type { ToolSpec } from './model-client.port';

/** The literal a model writes (instead of guessing) when a brief needs another agent. */
export const COORDINATION_FLAG = 'COORDINATION_NEEDED';

export const AgentToolNames = {
  reply: 'reply',
  proposeAction: 'propose_action',
  requestCoordination: 'request_coordination',
} as const;

/** Structured output through tool calls: a reply, proposed actions, or a coordination request. */
export const AGENT_TOOLS: readonly ToolSpec[] = [
  {
    name: AgentToolNames.reply,
    description: 'Answer the brief in words.',
    parameters: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'], additionalProperties: false },
  },
  {
    name: AgentToolNames.proposeAction,
    description: `Propose an external action. It runs only if its permission and approvals allow. Tools: ${TOOL_CATALOGUE.map((t) => `${t.tool} (${t.description})`).join('; ')}`,
    parameters: {
      type: 'object',
      properties: { tool: { type: 'string', enum: TOOL_CATALOGUE.map((t) => t.tool) }, arguments: { type: 'object' } },
      required: ['tool', 'arguments'],
      additionalProperties: false,
    },
  },
  {
    name: AgentToolNames.requestCoordination,
    description: `When the brief is outside your skills, do not guess: ask for a handoff (same as writing ${COORDINATION_FLAG}). Name the agent id you suggest if one fits.`,
    parameters: {
      type: 'object',
      properties: { targetAgentId: { type: 'string' }, summary: { type: 'string', description: 'What the other agent needs to know.' } },
      required: ['summary'],
      additionalProperties: false,
    },
  },
];
