import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SAMPLE_FILE, startTestServer, until, type TestServer } from '../http/testServer';

/** The parts of OTLP/HTTP JSON this test reads. */
const AnyValue = z.object({ stringValue: z.string().optional(), intValue: z.union([z.string(), z.number()]).optional(), doubleValue: z.number().optional(), boolValue: z.boolean().optional() });
const OtlpSpan = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().optional(),
  name: z.string(),
  startTimeUnixNano: z.union([z.string(), z.number()]),
  endTimeUnixNano: z.union([z.string(), z.number()]),
  attributes: z.array(z.object({ key: z.string(), value: AnyValue })).default([]),
  status: z.object({ code: z.number().optional() }).optional(),
});
const OtlpRequest = z.object({
  resourceSpans: z.array(
    z.object({
      resource: z.object({ attributes: z.array(z.object({ key: z.string(), value: AnyValue })) }),
      scopeSpans: z.array(z.object({ spans: z.array(OtlpSpan) })),
    }),
  ),
});
type Span = z.infer<typeof OtlpSpan>;

function attr(span: Span, key: string): string | number | boolean | undefined {
  const v = span.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  return v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.doubleValue ?? v.boolValue;
}

let receiver: Server | null = null;
let t: TestServer | null = null;
afterEach(async () => {
  await t?.dispose();
  await new Promise((r) => (receiver ? receiver.close(r) : r(undefined)));
  receiver = null;
  t = null;
});

describe('OpenTelemetry export', () => {
  it('exports a run as OTLP/HTTP spans with the GenAI semantic conventions', async () => {
    const spans: Span[] = [];
    const resources: string[] = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        expect(req.url).toBe('/v1/traces');
        expect(req.headers['content-type']).toBe('application/json');
        const parsed = OtlpRequest.parse(JSON.parse(body));
        for (const rs of parsed.resourceSpans) {
          resources.push(...rs.resource.attributes.filter((a) => a.key === 'service.name').map((a) => a.value.stringValue ?? ''));
          for (const ss of rs.scopeSpans) spans.push(...ss.spans);
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((r) => receiver!.listen(0, '127.0.0.1', r));
    const address: AddressInfo | string | null = receiver.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;

    t = await startTestServer({ otlpUrl: `http://127.0.0.1:${port}/v1/traces` });
    const run = await t.client.startRun({ file: SAMPLE_FILE, seed: 4, tenant: 'acme' });
    await until(async () => (await t!.client.run(run.id)).state === 'completed');
    const detail = await t.client.run(run.id);
    await t.server.close(); // flushes the exporter

    expect(resources).toContain('squad-studio');
    const root = spans.find((s) => s.name === 'squad.run credit-memo')!;
    expect(root).toBeDefined();
    expect(attr(root, 'squad.tenant')).toBe('acme');
    expect(attr(root, 'squad.run.id')).toBe(run.id);
    expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([root.traceId]));

    const turns = spans.filter((s) => attr(s, 'gen_ai.operation.name') === 'invoke_agent');
    const chats = spans.filter((s) => attr(s, 'gen_ai.operation.name') === 'chat');
    const handoffs = spans.filter((s) => attr(s, 'squad.message.kind') === 'handoff');
    expect(turns.length).toBe(Object.values(detail.agents).reduce((a, x) => a + x.turns, 0));
    expect(chats.length).toBe(Object.values(detail.agents).reduce((a, x) => a + x.modelCalls, 0));
    expect(handoffs.map((s) => s.name)).toEqual(expect.arrayContaining(['handoff planner → financials', 'handoff checker → financials']));
    expect(turns.every((s) => s.parentSpanId === root.spanId)).toBe(true);
    const turnIds = new Set(turns.map((s) => s.spanId));
    expect(chats.every((s) => s.parentSpanId !== undefined && turnIds.has(s.parentSpanId))).toBe(true);
    expect(new Set(turns.map((s) => attr(s, 'gen_ai.agent.name')))).toEqual(new Set(Object.keys(detail.agents)));
    const planner = chats.find((s) => attr(s, 'gen_ai.agent.name') === 'planner')!;
    expect(planner.name).toBe('chat gpt-4.1');
    expect(attr(planner, 'gen_ai.request.model')).toBe('gpt-4.1');
    expect(chats.reduce((a, s) => a + Number(attr(s, 'gen_ai.usage.input_tokens')), 0)).toBe(detail.usage.inputTokens);
    expect(chats.reduce((a, s) => a + Number(attr(s, 'gen_ai.usage.output_tokens')), 0)).toBe(detail.usage.outputTokens);
    // Virtual time: the run span lasts as long as the run's virtual clock says.
    const durationMs = Number(BigInt(root.endTimeUnixNano) - BigInt(root.startTimeUnixNano)) / 1e6;
    expect(Math.round(durationMs)).toBe(detail.virtualMs);
    // Contents never leave the machine.
    expect(JSON.stringify(spans)).not.toContain('Harbor Freight');
  });
});
