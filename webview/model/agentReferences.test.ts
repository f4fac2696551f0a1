import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { agentReferences } from './agentReferences';
import { removeAgent } from './squadEdits';

const deadlock = readFileSync(resolve(__dirname, '../../samples/failure-modes/deadlock-loan-pricing.squad.yaml'), 'utf8');
const lineOf = (needle: string): number => deadlock.split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('agentReferences: where a file names an agent', () => {
  it('finds lists, script steps and the entry, with their lines', () => {
    expect(agentReferences(deadlock, 'treasury')).toEqual([
      { from: 'pricing', kind: 'handoffs', line: lineOf('handoffs: [treasury]') },
      { from: 'pricing', kind: 'script handoff', line: lineOf('handoff: { to: treasury') },
      { from: 'risk', kind: 'asks', line: lineOf('asks: [treasury]') },
      { from: 'risk', kind: 'script ask', line: lineOf('ask: { agent: treasury') },
    ]);
    expect(agentReferences(deadlock, 'pricing').map((r) => r.kind)).toEqual(['entry', 'asks', 'script ask']);
    expect(agentReferences('agents: [', 'x')).toEqual([]);
  });
});

describe('removeAgent', () => {
  it('removes the agent with every reference, and the file still parses without a dangling name', () => {
    const next = removeAgent(deadlock, 'treasury');
    expect(next).not.toContain('treasury:');
    expect(agentReferences(next, 'treasury')).toEqual([]);
    expect(next).toContain('# Guardrail: `deadlock`.');
    const parsed = parseSquadFile(next, 'x.squad.yaml');
    expect(parsed.ok ? [] : parsed.errors.map((p) => p.message)).toEqual([]);
    // pricing's first step keeps what did not name treasury.
    expect(next).toContain('ask: { agent: risk, question: What internal risk rating');
  });
  it('keeps the references when asked, for the parser to flag', () => {
    const next = removeAgent(deadlock, 'treasury', { references: 'keep' });
    expect(next).not.toContain('  treasury:\n');
    expect(agentReferences(next, 'treasury')).toHaveLength(4);
    expect(parseSquadFile(next, 'x.squad.yaml').ok).toBe(false);
  });
});
