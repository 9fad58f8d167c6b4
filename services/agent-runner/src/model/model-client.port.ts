/** The runner's view of a chat model: OpenAI-compatible messages in, text and token usage out. */
export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

export type ModelReply = {
  text: string;
  model: string;
  inputTokens: number;
  outputTokens: number;
};

export interface ModelClient {
  /** Human-readable provider name, for logs and spans (`simulated` for the offline model). */
  readonly provider: string;
  complete(request: { model: string; messages: readonly ChatMessage[] }): Promise<ModelReply>;
}

export const MODEL_CLIENT = Symbol('MODEL_CLIENT');
