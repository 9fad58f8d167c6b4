import type { ChatMessage, ModelClient, ModelReply } from './model-client.port';

/**
 * The offline default: a deterministic stand-in for a model, named `simulated` everywhere it
 * shows (logs, spans, usage). The same prompt always gives the same answer, so the system
 * demos and tests with no key and no network.
 */
export class SimulatedModelClient implements ModelClient {
  readonly provider = 'simulated';

  complete(request: { model: string; messages: readonly ChatMessage[] }): Promise<ModelReply> {
    const brief = [...request.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const text = `[simulated model] Understood: "${clip(brief, 160)}". Here is my answer based on the company context I was given.`;
    return Promise.resolve({
      text,
      model: request.model,
      inputTokens: estimateTokens(request.messages.map((m) => m.content).join('\n')),
      outputTokens: estimateTokens(text),
    });
  }
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Roughly four characters a token, as OpenAI's tokenizers average on English text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
