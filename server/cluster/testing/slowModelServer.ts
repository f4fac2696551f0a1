import { createServer, type Server } from 'node:http';

/**
 * Test support: an OpenAI-compatible Chat Completions server on 127.0.0.1 (or `host`) that takes `delayMs` to
 * answer each request (streamed, as OpenAI streams), so runs against it take wall-clock seconds and
 * a worker can be killed in the middle of one. It plays a two-agent squad: a system prompt with
 * `ROLE=PLANNER` hands the work to `worker` until the conversation holds the worker's result, then
 * finishes; `ROLE=WORKER` finishes with its result. It counts the requests it answered.
 */
export class SlowModelServer {
  requests = 0;

  private constructor(
    private readonly server: Server,
    readonly delayMs: number,
    private readonly host: string,
  ) {}

  /** `host`: the address to listen on (default 127.0.0.1; a test network's own address, see `NetworkLab`). */
  static async start(delayMs: number, host = '127.0.0.1'): Promise<SlowModelServer> {
    const server = createServer();
    const slow = new SlowModelServer(server, delayMs, host);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timer = setTimeout(() => {
          slow.requests += 1;
          res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
          for (const data of replyTo(body)) res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
          res.end();
        }, delayMs);
        res.on('close', () => clearTimeout(timer));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    return slow;
  }

  get url(): string {
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('not listening');
    return `http://${this.host}:${address.port}/v1`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function replyTo(body: string): unknown[] {
  const base = { id: 'chatcmpl-slow', object: 'chat.completion.chunk', created: 1760000000, model: 'slow-1' };
  const delta = (d: unknown, finish: string | null = null): unknown => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish }], usage: null });
  const usage = { ...base, choices: [], usage: { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 } };
  const call = (name: string, args: unknown): unknown[] => [
    delta({ role: 'assistant', content: '' }),
    delta({ tool_calls: [{ index: 0, id: `call_${name}`, type: 'function', function: { name, arguments: JSON.stringify(args) } }] }),
    delta({}, 'tool_calls'),
    usage,
    '[DONE]',
  ];
  if (body.includes('ROLE=WORKER')) return call('finish', { result: 'part done' });
  if (body.includes('part done')) return call('finish', { result: 'all parts done' });
  return call('handoff', { to: 'worker', content: 'do the part' });
}

/** The squad the server plays, on `baseUrl`. */
export function slowPairSquad(baseUrl: string): string {
  return `version: 1
name: slow-pair
task: { entry: planner, input: "Split the work and finish." }
models:
  slow: { provider: openai-compatible, model: slow-1, baseUrl: "${baseUrl}", price: { inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 2 } }
agents:
  planner: { role: planner, model: slow, instructions: "ROLE=PLANNER", handoffs: [worker] }
  worker: { role: worker, model: slow, instructions: "ROLE=WORKER" }
`;
}
