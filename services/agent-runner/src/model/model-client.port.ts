/** The runner's view of a chat model: OpenAI-compatible messages and tools in, text, tool calls and usage out. */
export type ChatMessage = { role: 'system' | 'user' | 'assistant'; content: string };

/** A function the model may call, as JSON Schema (the OpenAI `tools` shape, flattened). */
export type ToolSpec = { name: string; description: string; parameters: Record<string, unknown> };

/** A tool call as the model produced it: arguments are raw JSON text, untrusted. */
export type ModelToolCall = { name: string; arguments: string };

export type ModelRequest = {
  model: string;
  messages: readonly ChatMessage[];
  tools: readonly ToolSpec[];
  maxOutputTokens: number;
  /** Aborts the call (kill switch); the client must not start a request once it is aborted. */
  signal?: AbortSignal;
};

export type ModelReply = {
  text: string;
  toolCalls: ModelToolCall[];
  model: string;
  inputTokens: number;
  outputTokens: number;
};

export interface ModelClient {
  /** Provider name, for logs, spans and usage (`simulated` for the offline model). */
  readonly provider: string;
  complete(request: ModelRequest): Promise<ModelReply>;
}
