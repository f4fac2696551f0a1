import { describe, expect, it } from 'vitest';
import { fitContext, summaryOf } from './contextWindow';
import type { ChatMessage } from './modelProvider';
import { countChat } from './tokenCounter';

const msgs: ChatMessage[] = [
  { role: 'system', content: 'You analyse filings.' },
  ...Array.from({ length: 6 }, (_, i): ChatMessage => ({ role: 'user', name: 'planner', content: `Section ${i}: ${'revenue grew and margins held '.repeat(40)}` })),
];

describe('fitContext', () => {
  it('drops the oldest messages after the system prompt until the prompt fits, keeping the newest', () => {
    const full = countChat(msgs);
    const budget = Math.floor(full * 0.6);
    const fit = fitContext(msgs, budget, false)!;
    expect(fit.promptTokens).toBeLessThanOrEqual(budget);
    expect(fit.kept[0]).toBe(msgs[0]);
    expect(fit.kept.at(-1)).toBe(msgs.at(-1));
    expect(fit.dropped).toEqual(msgs.slice(1, 1 + fit.dropped.length));
    // It drops no more than it must: one message fewer would not fit.
    expect(countChat([msgs[0]!, ...fit.dropped.slice(-1), ...fit.kept.slice(1)])).toBeGreaterThan(budget);
    expect(fit.droppedTokens + fit.promptTokens).toBe(full);
  });

  it('summarizes what it drops and still fits', () => {
    const budget = Math.floor(countChat(msgs) * 0.6);
    const fit = fitContext(msgs, budget, true)!;
    expect(fit.summary).not.toBeNull();
    expect(fit.kept[1]).toBe(fit.summary);
    expect(fit.summary!.content).toContain(`Summary of ${fit.dropped.length} earlier message`);
    expect(fit.promptTokens).toBeLessThanOrEqual(budget);
  });

  it('gives up when even the system prompt and the newest message do not fit', () => {
    expect(fitContext(msgs, 50, false)).toBeNull();
    expect(fitContext(msgs.slice(0, 1), 10_000, false)).toBeNull();
  });
});

describe('summaryOf', () => {
  it('keeps who said what and the first words, deterministically', () => {
    const s = summaryOf(msgs.slice(1, 3));
    expect(s).toEqual(summaryOf(msgs.slice(1, 3)));
    expect(s.content).toMatch(/^Summary of 2 earlier messages/);
    expect(s.content).toContain('- planner: Section 0: revenue grew');
  });
});
