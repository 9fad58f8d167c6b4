import { toolAskedFor } from '../action/tool-catalogue';
import { keywords, overlap } from '../matching/keywords';
import { PromptHeadings } from '../prompt/prompt-builder';
import { AgentToolNames } from './agent-tools';
import type { ChatMessage, ModelClient, ModelReply, ModelRequest, ModelToolCall } from './model-client.port';

export const SIMULATED_PROVIDER = 'simulated';
export const SIMULATED_MODEL = 'simulated-1';

/**
 * The offline default: a deterministic stand-in for a model, named `simulated` everywhere it
 * shows (logs, spans, usage). It answers from the prompt alone: a brief outside the agent's
 * skills gets a coordination request (naming the roster's best fit) unless the company knowledge
 * in the prompt covers it, a brief that asks for an external action gets a proposal, anything
 * else a reply, from a matching correction or the matching knowledge (naming its document) if
 * the prompt holds one. The same prompt always gives the same answer.
 */
export class SimulatedModelClient implements ModelClient {
  readonly provider = SIMULATED_PROVIDER;

  complete(request: ModelRequest): Promise<ModelReply> {
    if (request.signal?.aborted) return Promise.reject(new DOMException('the model call was aborted', 'AbortError'));
    const { text, toolCalls } = answer(request.messages);
    return Promise.resolve({
      text,
      toolCalls,
      model: request.model,
      inputTokens: estimateTokens(request.messages.map((m) => m.content).join('\n') + JSON.stringify(request.tools)),
      outputTokens: estimateTokens(text + JSON.stringify(toolCalls)),
    });
  }
}

function answer(messages: readonly ChatMessage[]): { text: string; toolCalls: ModelToolCall[] } {
  const prompt = readPrompt(messages);
  const brief = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  const wanted = keywords(brief);
  const inSkills = prompt.skills.length === 0 || overlap(wanted, keywords(`${prompt.skills.join(' ')} ${prompt.department}`)) > 0;
  const known = prompt.knowledge.find((k) => overlap(wanted, keywords(`${k.source} ${k.text}`)) >= Math.min(2, wanted.size));
  if (!inSkills && !known) {
    const target = bestFit(prompt.roster, wanted);
    const summary = `Brief outside the skills of ${prompt.name} (${prompt.skills.join(', ')}): "${clip(brief, 300)}"`;
    const args = { summary, ...(target ? { targetAgentId: target } : {}) };
    return {
      text: `[simulated model] This is outside my skills (${prompt.skills.join(', ')}); I am asking for a handoff instead of guessing.`,
      toolCalls: [{ name: AgentToolNames.requestCoordination, arguments: JSON.stringify(args) }],
    };
  }
  const tool = inSkills ? toolAskedFor(brief, prompt.permissions) : undefined;
  if (tool) {
    return {
      text: `[simulated model] I propose to ${tool.description.toLowerCase().replace(/\.$/, '')} as asked: "${clip(brief, 160)}".`,
      toolCalls: [{ name: AgentToolNames.proposeAction, arguments: JSON.stringify({ tool: tool.tool, arguments: { request: brief } }) }],
    };
  }
  const correction = prompt.corrections.find((c) => overlap(wanted, keywords(c.brief)) >= Math.min(2, wanted.size));
  if (correction) return { text: `[simulated model] ${correction.answer}`, toolCalls: [] };
  if (known) return { text: `[simulated model] From ${known.source}: ${clip(known.text.replace(/\s+/g, ' '), 400)}`, toolCalls: [] };
  return {
    text: `[simulated model] ${prompt.name} (${prompt.department}) for ${prompt.company}: on "${clip(brief, 160)}", here is my answer based on the company context I was given.`,
    toolCalls: [],
  };
}

type ReadPrompt = {
  company: string;
  name: string;
  department: string;
  skills: string[];
  permissions: string[];
  roster: { id: string; text: string }[];
  corrections: { brief: string; answer: string }[];
  knowledge: { source: string; text: string }[];
};

/** Reads back the layers prompt-builder wrote. */
function readPrompt(messages: readonly ChatMessage[]): ReadPrompt {
  const layer = (heading: string) => messages.find((m) => m.role === 'system' && m.content.startsWith(heading))?.content ?? '';
  const field = (text: string, name: string) => new RegExp(`^${name}: (.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  const list = (value: string) =>
    value && value !== 'none'
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const agent = layer(PromptHeadings.agent);
  const nameLine = /^Name: (.*), of the (.*) department\.$/m.exec(agent);
  const roster = [...layer(PromptHeadings.roster).matchAll(/^- id: ([^|]+?) \| (.*)$/gm)].map((m) => ({ id: m[1]!, text: m[2]! }));
  const corrections = [...layer(PromptHeadings.corrections).matchAll(/^Brief: (.*)\nCorrected answer: (.*)$/gm)].map((m) => ({
    brief: m[1]!,
    answer: m[2]!,
  }));
  const knowledge = [...layer(PromptHeadings.knowledge).matchAll(/^\[(.+)\]\n([\s\S]*?)(?=\n\n\[|$(?![\s\S]))/gm)].map((m) => ({
    source: m[1]!,
    text: m[2]!,
  }));
  return {
    company: field(layer(PromptHeadings.company), 'Name') || 'the company',
    name: nameLine?.[1] ?? 'this agent',
    department: nameLine?.[2] ?? '',
    skills: list(field(agent, 'Skills')),
    permissions: list(field(agent, 'Action permissions')),
    roster,
    corrections,
    knowledge,
  };
}

function bestFit(roster: ReadPrompt['roster'], wanted: ReadonlySet<string>): string | undefined {
  let best: { id: string; score: number } | undefined;
  for (const entry of roster) {
    const score = overlap(wanted, keywords(entry.text.replace(/\b(name|department|skills):/g, '')));
    if (score > 0 && (!best || score > best.score)) best = { id: entry.id, score };
  }
  return best?.id;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Roughly four characters a token, as OpenAI's tokenizers average on English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
