import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../engine/modelProvider';
import { ACCEPTED, providerTranscript } from './providerTranscript';

const call = (id: string, name: string, args: Record<string, unknown> = {}) => ({ id, name, args });

describe('providerTranscript', () => {
  it('answers every tool call, in order, before the conversation moves on', () => {
    const messages: ChatMessage[] = [
      { role: 'system', content: 'You plan.' },
      { role: 'user', content: 'Go.' },
      {
        role: 'assistant',
        content: 'Splitting.\n[...]',
        reply: { text: 'Splitting.', toolCalls: [call('c1', 'handoff', { to: 'w', content: 'x' }), call('c2', 'bureau.report'), call('c3', 'finish', { result: 'r' })] },
      },
      { role: 'tool', toolCallId: 'c2', content: 'report' },
      // A refused closing action is reported without an id: it answers the oldest open call.
      { role: 'tool', content: 'error: the result to lead was refused' },
      { role: 'user', content: '[result from w] done' },
    ];
    expect(providerTranscript(messages)).toEqual([
      { kind: 'system', text: 'You plan.' },
      { kind: 'user', text: 'Go.' },
      { kind: 'assistant', text: 'Splitting.', toolCalls: messages[2]!.reply!.toolCalls },
      { kind: 'toolResult', callId: 'c2', content: 'report' },
      { kind: 'toolResult', callId: 'c1', content: 'error: the result to lead was refused' },
      { kind: 'toolResult', callId: 'c3', content: ACCEPTED },
      { kind: 'user', text: '[result from w] done' },
    ]);
  });

  it('keeps a result that answers no call as text, and a reply without calls as text', () => {
    expect(
      providerTranscript([
        { role: 'tool', toolCallId: 'c9', content: 'orphan' },
        { role: 'assistant', content: 'plain' },
        { role: 'tool', content: 'late' },
      ]),
    ).toEqual([
      { kind: 'user', text: '[tool result c9] orphan' },
      { kind: 'assistant', text: 'plain', toolCalls: [] },
      { kind: 'user', text: '[tool result] late' },
    ]);
  });
});
