import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../protocol/runEvent';
import { RunSpans } from './runSpans';

describe('RunSpans', () => {
  it('makes an execute_tool span per tool call under its turn, with an error status for a failed tool', () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const spans = new RunSpans(provider.getTracer('t'), 1_000_000, { id: 'r', tenant: 'default', squad: 's' });
    const base = { runId: 'r', agent: 'w' };
    const events: RunEvent[] = [
      {
        ...base,
        seq: 1,
        t: 0,
        agent: null,
        spanId: 'run',
        parentSpanId: null,
        type: 'run.started',
        formatVersion: 1,
        squad: { name: 's', path: 's.squad.yaml', sha256: 'x', source: '' },
        profile: 'local',
        seed: 1,
        tenant: 'default',
        entry: 'w',
        input: 'go',
        tools: [],
      },
      { ...base, seq: 2, t: 10, spanId: 'w/turn-1', parentSpanId: 'run', type: 'agent.turn.started', turn: 1, consumed: [] },
      { ...base, seq: 3, t: 20, spanId: 'w/turn-1/tool-c1', parentSpanId: 'w/turn-1', type: 'tool.call', callId: 'c1', tool: 'bureau.score', args: { id: 1 } },
      { ...base, seq: 4, t: 70, spanId: 'w/turn-1/tool-c1', parentSpanId: 'w/turn-1', type: 'tool.result', callId: 'c1', tool: 'bureau.score', ok: false, content: 'timeout', bytes: 7, latencyMs: 50 },
      { ...base, seq: 5, t: 80, spanId: 'w/turn-1', parentSpanId: 'run', type: 'agent.turn.completed', turn: 1, acked: [], outcome: 'idle' },
    ];
    for (const e of events) spans.event(e);
    spans.finish();
    const done = exporter.getFinishedSpans();
    const tool = done.find((s) => s.name === 'execute_tool bureau.score')!;
    const turn = done.find((s) => s.name === 'invoke_agent w')!;
    expect(tool.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'bureau.score', 'gen_ai.tool.call.id': 'c1', 'error.type': 'tool_error' });
    expect(tool.status.code).toBe(2);
    expect(tool.parentSpanContext?.spanId).toBe(turn.spanContext().spanId);
    expect(tool.startTime).toEqual([1000, 20_000_000]);
    expect(tool.endTime).toEqual([1000, 70_000_000]);
    const root = done.find((s) => s.name === 'squad.run s')!;
    expect(root.attributes['squad.run.status']).toBe('interrupted');
  });
});
