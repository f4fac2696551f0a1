import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';

/** What the fake saw of one request: who asked (the agent its system prompt names) and when. */
export interface WireRequest {
  agent: string;
  arrivedAt: number;
  answeredAt: number | null;
  messages: number;
}

/** One scripted reply: text and tool calls (name, JSON arguments). */
export interface WireReply {
  text?: string;
  toolCalls?: { name: string; args: Record<string, unknown> }[];
}

const RequestBody = z.object({
  messages: z.array(z.object({ role: z.string(), content: z.unknown() }).loose()),
  stream: z.boolean().optional(),
});

/**
 * A local OpenAI-compatible Chat Completions server (real HTTP on 127.0.0.1, server-sent events as
 * OpenAI streams them) that answers every request after `delayMs` with what `answer` says for the
 * calling agent, and records when each request arrived and was answered. Requests are answered
 * independently, so concurrent calls overlap here as they do at a real provider.
 */
export class ChatCompletionsServer {
  readonly requests: WireRequest[] = [];

  private constructor(
    private readonly server: Server,
    private readonly delayMs: number,
    private readonly answer: (agent: string, request: WireRequest, body: z.infer<typeof RequestBody>) => WireReply,
  ) {}

  static async start(delayMs: number, answer: (agent: string, request: WireRequest, body: z.infer<typeof RequestBody>) => WireReply): Promise<ChatCompletionsServer> {
    const server = createServer();
    const fake = new ChatCompletionsServer(server, delayMs, answer);
    server.on('request', (req, res) => fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseUrl(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening on a TCP port');
    return `http://127.0.0.1:${address.port}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const arrivedAt = performance.timeOrigin + performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = RequestBody.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      const system = body.messages.find((m) => m.role === 'system');
      const agent = typeof system?.content === 'string' ? (/You are "([^"]+)"/.exec(system.content)?.[1] ?? '?') : '?';
      const request: WireRequest = { agent, arrivedAt, answeredAt: null, messages: body.messages.length };
      this.requests.push(request);
      const reply = this.answer(agent, request, body);
      setTimeout(() => {
        request.answeredAt = performance.timeOrigin + performance.now();
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
        for (const data of stream(reply)) res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
        res.end();
      }, this.delayMs);
    });
  }
}

/** The chunks OpenAI streams for a reply: role, text, each tool call, the finish reason, usage. */
function stream(reply: WireReply): unknown[] {
  const base = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 1760000000, model: 'fake-model' };
  const delta = (d: unknown, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }] });
  const calls = reply.toolCalls ?? [];
  return [
    delta({ role: 'assistant', content: '' }),
    ...(reply.text ? [delta({ content: reply.text })] : []),
    ...calls.map((c, index) => delta({ tool_calls: [{ index, id: `call_${index}`, type: 'function', function: { name: c.name, arguments: JSON.stringify(c.args) } }] })),
    delta({}, calls.length > 0 ? 'tool_calls' : 'stop'),
    { ...base, choices: [], usage: { prompt_tokens: 100, completion_tokens: 10, total_tokens: 110 } },
    '[DONE]',
  ];
}
