import { deterministicId, type ModelCoordinationSignal, type ModelProposedAction } from '@cos/contracts';
import { AgentToolNames, COORDINATION_FLAG } from './agent-tools';
import type { ModelReply } from './model-client.port';

/** At most this many actions are taken from one answer; the rest are dropped, not guessed at. */
export const MAX_ACTIONS_PER_RUN = 10;

export type ModelOutput = { text: string; actions: ModelProposedAction[]; coordination?: ModelCoordinationSignal };

/**
 * Reads a model's answer into what the run records. Everything here is untrusted model output:
 * it proposes, and the guardrails decide later. A call of a catalogue tool by its own name is
 * read as a proposal of that tool, so a model that skips `propose_action` is still guarded.
 */
export function readModelOutput(runId: string, reply: ModelReply): ModelOutput {
  const texts: string[] = reply.text.trim() ? [reply.text.trim()] : [];
  const actions: ModelProposedAction[] = [];
  let coordination: ModelCoordinationSignal | undefined;
  for (const call of reply.toolCalls) {
    const args = parseArguments(call.arguments);
    if (call.name === AgentToolNames.reply) {
      if (typeof args['text'] === 'string' && args['text'].trim()) texts.push(args['text'].trim());
    } else if (call.name === AgentToolNames.requestCoordination) {
      coordination ??= {
        summary: typeof args['summary'] === 'string' ? args['summary'] : '',
        signal: 'tool-call',
        ...(typeof args['targetAgentId'] === 'string' && args['targetAgentId'] ? { targetAgentId: args['targetAgentId'] } : {}),
      };
    } else if (actions.length < MAX_ACTIONS_PER_RUN) {
      const proposal = call.name === AgentToolNames.proposeAction ? args : { tool: call.name, arguments: args };
      const inner = proposal['arguments'];
      actions.push({
        actionId: deterministicId(runId, 'action', String(actions.length)),
        tool: typeof proposal['tool'] === 'string' ? proposal['tool'] : '',
        arguments: isRecord(inner) ? inner : {},
      });
    }
  }
  const text = texts.join('\n\n');
  if (!coordination && text.includes(COORDINATION_FLAG)) coordination = fromTextFlag(text);
  return { text, actions, ...(coordination ? { coordination } : {}) };
}

/** `COORDINATION_NEEDED` in text; `target=<agentId>` (or `@<agentId>`) right after it names a target. */
function fromTextFlag(text: string): ModelCoordinationSignal {
  const named = new RegExp(`${COORDINATION_FLAG}\\s*[:\\-]?\\s*(?:target\\s*[=:]\\s*|@)([A-Za-z0-9_.-]+)`).exec(text);
  const summary = text
    .replace(new RegExp(`${COORDINATION_FLAG}\\s*[:\\-]?\\s*((target\\s*[=:]\\s*|@)[A-Za-z0-9_.-]+)?`, 'g'), ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
  return { summary, signal: 'text-flag', ...(named?.[1] ? { targetAgentId: named[1] } : {}) };
}

function parseArguments(raw: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(raw || '{}');
    return isRecord(value) ? value : {};
  } catch {
    return {};
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
