import { JOURNAL_FORMAT_VERSION, type RunEvent, type RunEventOf } from '../../protocol/runEvent';

/** Hand-built, schema-valid events for the store tests. */

export function runStarted(runId: string, overrides: Partial<RunEventOf<'run.started'>> = {}): RunEventOf<'run.started'> {
  return {
    runId,
    seq: 1,
    t: 0,
    agent: null,
    spanId: 'run',
    parentSpanId: null,
    type: 'run.started',
    formatVersion: JOURNAL_FORMAT_VERSION,
    squad: { name: 'test squad', path: 'test.squad.yaml', sha256: '0'.repeat(64), source: 'name: test squad\n' },
    profile: 'instant',
    seed: 42,
    tenant: 'default',
    entry: 'planner',
    input: 'Write a credit memo.',
    tools: [],
    ...overrides,
  };
}

export function messageSent(runId: string, seq: number, content = `message ${seq}`): RunEventOf<'message.sent'> {
  return {
    runId,
    seq,
    t: seq * 10,
    agent: 'planner',
    spanId: `span-${seq}`,
    parentSpanId: 'run',
    type: 'message.sent',
    messageId: `m${seq}`,
    from: 'planner',
    to: 'worker',
    kind: 'task',
    content,
    tokens: 3,
    inReplyTo: null,
    marks: [],
  };
}

/** A run of `count` events: run.started, then message.sent. */
export function makeRun(count: number, runId = 'run-1'): RunEvent[] {
  const events: RunEvent[] = [];
  if (count > 0) events.push(runStarted(runId));
  for (let seq = 2; seq <= count; seq++) events.push(messageSent(runId, seq));
  return events;
}

/** The JSONL text of some events, as the file writer writes it. */
export function toJsonl(events: readonly RunEvent[]): string {
  return events.map((event) => JSON.stringify(event) + '\n').join('');
}

/** The last event of a run: `run.completed` at `seq`. */
export function runCompleted(runId: string, seq: number): RunEvent {
  return { runId, seq, type: 'run.completed', t: seq * 10, agent: null, spanId: 'run', parentSpanId: null, status: 'completed', result: 'done', reason: null, marks: [] };
}
