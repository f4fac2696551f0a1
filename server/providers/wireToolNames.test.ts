import { describe, expect, it } from 'vitest';
import { WireToolNames } from './wireToolNames';

describe('WireToolNames', () => {
  it('gives MCP tools names the APIs accept, unique, and maps replies back', () => {
    const names = new WireToolNames([{ name: 'handoff' }, { name: 'bureau.report' }, { name: 'bureau_report' }, { name: 'x'.repeat(80) }]);
    expect(names.wire('handoff')).toBe('handoff');
    expect(names.wire('bureau.report')).toBe('bureau_report');
    expect(names.wire('bureau_report')).toBe('bureau_report_2');
    expect(names.wire('x'.repeat(80))).toMatch(/^x{64}$/);
    expect(names.original('bureau_report')).toBe('bureau.report');
    expect(names.original('bureau_report_2')).toBe('bureau_report');
    expect(names.original('made_up')).toBe('made_up');
  });
});
