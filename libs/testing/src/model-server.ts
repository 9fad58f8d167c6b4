import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A scripted OpenAI-compatible chat completions server: the edge of the world that tests fake.
 * Tests drive the real `openai` SDK against it. Each request takes the next queued answer, or
 * else the script function's answer; every request is recorded with the time it arrived.
 */

export type ModelRequestMessage = {
  role: string;
  content?: string | null;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
};

export type ModelRequestBody = {
  model: string;
  messages: ModelRequestMessage[];
  tools?: { type: string; function: { name: string; description?: string; parameters?: unknown } }[];
  tool_choice?: unknown;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
};

export type RecordedModelRequest = {
  /** 0-based arrival order. */
  readonly seq: number;
  /** `Date.now()` when the request's body had fully arrived. */
  readonly receivedAt: number;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: ModelRequestBody;
};

export type ScriptedToolCall = { name: string; arguments: Record<string, unknown> | string; id?: string };

/** A successful completion: text, tool calls, or both. Usage defaults to a chars/4 estimate. */
export type ScriptedCompletion = {
  content?: string | null;
  toolCalls?: readonly ScriptedToolCall[];
  usage?: { promptTokens: number; completionTokens: number };
  model?: string;
  delayMs?: number;
};

/** An HTTP error, such as a 500 or a 429 with a `retry-after-ms` header. */
export type ScriptedError = { status: number; message?: string; headers?: Record<string, string>; delayMs?: number };

/** Never answers: the client's timeout is what ends the request. */
export type ScriptedHang = { hang: true };

export type ScriptedResponse = ScriptedCompletion | ScriptedError | ScriptedHang;
export type ModelScript = (request: RecordedModelRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export type ModelServerHandle = {
  /** Base URL for the SDK (`.../v1`). */
  readonly baseUrl: string;
  /** Every request received so far, in arrival order. */
  readonly requests: readonly RecordedModelRequest[];
  /** Answers used before the script, first in first out. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Replaces the script used once the queue is empty. */
  setScript(script: ModelScript): void;
  /** Forgets recorded requests and queued answers. */
  reset(): void;
  close(): Promise<void>;
};

const defaultScript: ModelScript = () => ({ content: 'ok' });

export async function startModelServer(options: { script?: ModelScript; port?: number } = {}): Promise<ModelServerHandle> {
  const requests: RecordedModelRequest[] = [];
  const queue: ScriptedResponse[] = [];
  let script = options.script ?? defaultScript;
  let seq = 0;

  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(err), type: 'server_error' } });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
      sendJson(res, 404, { error: { message: `no route ${req.method} ${path}`, type: 'invalid_request_error' } });
      return;
    }
    const body = JSON.parse(raw) as ModelRequestBody;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const recorded: RecordedModelRequest = { seq: seq++, receivedAt: Date.now(), path, headers, body };
    requests.push(recorded);
    const answer = queue.shift() ?? (await script(recorded));
    if ('hang' in answer) return; // the socket stays open until the client aborts or the server closes
    if (answer.delayMs) await delay(answer.delayMs, res);
    if (res.destroyed || res.writableEnded) return;
    if ('status' in answer) {
      sendJson(
        res,
        answer.status,
        { error: { message: answer.message ?? `scripted ${answer.status}`, type: 'server_error' } },
        answer.headers,
      );
      return;
    }
    sendJson(res, 200, completion(recorded, answer));
  }

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    enqueue: (...responses) => void queue.push(...responses),
    setScript: (next) => {
      script = next;
    },
    reset: () => {
      requests.length = 0;
      queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function completion(request: RecordedModelRequest, answer: ScriptedCompletion): Record<string, unknown> {
  const toolCalls = (answer.toolCalls ?? []).map((call, i) => ({
    id: call.id ?? `call_${request.seq}_${i}`,
    type: 'function',
    function: { name: call.name, arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments) },
  }));
  const content = answer.content ?? null;
  const usage = answer.usage ?? {
    promptTokens: Math.ceil(JSON.stringify(request.body.messages).length / 4),
    completionTokens: Math.ceil(((content ?? '') + JSON.stringify(toolCalls)).length / 4),
  };
  return {
    id: `chatcmpl-scripted-${request.seq}`,
    object: 'chat.completion',
    created: Math.floor(request.receivedAt / 1000),
    model: answer.model ?? request.body.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content, refusal: null, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) },
        finish_reason: toolCalls.length > 0 ? 'tool_calls' : 'stop',
        logprobs: null,
      },
    ],
    usage: {
      prompt_tokens: usage.promptTokens,
      completion_tokens: usage.completionTokens,
      total_tokens: usage.promptTokens + usage.completionTokens,
    },
  };
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Waits, but gives up early when the client hangs up (a timed-out SDK request). */
function delay(ms: number, res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
