import { describe, expect, it } from 'vitest';
import { paintFor } from './paint';
import { toolTable } from './toolTable';

const plain = paintFor({ isTTY: false }, {});

describe('toolTable', () => {
  it("shows each tool's calls, errors by kind, retries, failovers and latency percentiles, and replica trouble", () => {
    const text = toolTable(
      {
        tools: {
          'bureau.score': { calls: 12, errors: 1, errorKinds: { timeout: 1 }, retries: 3, failovers: 2, p50Ms: 92.4, p99Ms: 1310, maxMs: 10_000, bytes: 900 },
          'bureau.filings': { calls: 4, errors: 0, errorKinds: {}, retries: 0, failovers: 0, p50Ms: 80, p99Ms: 95, maxMs: 95, bytes: 100 },
        },
        toolServers: { bureau: { replicaDowns: 2, replicaUps: 1 } },
      },
      plain,
    );
    const lines = text.split('\n');
    expect(lines.find((l) => l.includes('bureau.score'))).toMatch(/bureau\.score\s+│\s+12\s+│\s+1 \(1 timeout\)\s+│\s+3\s+│\s+2\s+│\s+92 ms\s+│\s+1\.3 s\s+│\s+10\.0 s/);
    expect(lines.find((l) => l.includes('bureau.filings'))).toMatch(/│\s+4\s+│\s+0\s+│\s+0\s+│\s+0\s+│\s+80 ms/);
    expect(lines.at(-1)).toBe('⚠ bureau: a replica went down 2 times, 1 restart');
    // Rows in name order: filings before score.
    expect(text.indexOf('bureau.filings')).toBeLessThan(text.indexOf('bureau.score'));
  });

  it('is empty when no tool was called', () => {
    expect(toolTable({ tools: {}, toolServers: {} }, plain)).toBe('');
  });
});
