import { describe, expect, it } from 'vitest';
import { ReplayCursor } from './replayCursor';
import { foldRunView } from './runView';
import { syntheticRun } from './syntheticRun';

describe('ReplayCursor', () => {
  it('shows the same state at a seq whether it got there forward or backward', () => {
    const events = syntheticRun(500);
    const cursor = new ReplayCursor(events);
    expect(cursor.at(400).lastSeq).toBe(400);
    const back = cursor.at(123);
    const direct = foldRunView(events, 123);
    expect(back.lastSeq).toBe(123);
    expect(back.account.totals.costUsd).toBe(direct.account.totals.costUsd);
    expect(back.timeline).toHaveLength(direct.timeline.length);
    expect(cursor.at(10_000).lastSeq).toBe(events.length);
  });
});
