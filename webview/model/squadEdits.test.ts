import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { addAgent, addLink, removeAgent, removeLink, renameAgent, setAgentField, setAgentTools } from './squadEdits';
import { YamlEditError } from './yamlEdit';

const memo = readFileSync(resolve(__dirname, '../../samples/credit-memo/credit-memo.squad.yaml'), 'utf8');
const deadlock = readFileSync(resolve(__dirname, '../../samples/failure-modes/deadlock-loan-pricing.squad.yaml'), 'utf8');

/** The lines that differ between two texts of the same length in lines. */
function changedLines(a: string, b: string): string[] {
  const x = a.split('\n');
  const y = b.split('\n');
  return y.filter((line, i) => x[i] !== line);
}

describe('squad edits keep the file as the user wrote it', () => {
  it('adds a handoff to a flow list and touches only that line', () => {
    const next = addLink(memo, 'regulatory', 'planner', 'handoffs');
    expect(next.split('\n')).toHaveLength(memo.split('\n').length);
    expect(changedLines(memo, next)).toEqual(['    handoffs: [checker, planner]']);
    expect(next).toContain('# a reasoning model thinks before it speaks');
    const parsed = parseSquadFile(next, 'x.squad.yaml');
    expect(parsed.ok && parsed.squad.agents.regulatory?.handoffs).toEqual(['checker', 'planner']);
  });

  it('creates a missing list after the agent lists and keeps the tight flow style', () => {
    const next = addLink(memo, 'checker', 'collateral', 'asks');
    expect(next).toContain('    handoffs: [financials, planner]\n    asks: [collateral]\n');
    expect(next.length - memo.length).toBe('    asks: [collateral]\n'.length);
  });

  it('does not add a link twice and removes one', () => {
    expect(addLink(deadlock, 'pricing', 'risk', 'asks')).toBe(deadlock);
    const next = removeLink(deadlock, 'pricing', 'risk', 'asks');
    expect(changedLines(deadlock, next)).toEqual(['    asks: []']);
    expect(next.startsWith('# Failure mode: coordination deadlock.')).toBe(true);
  });

  it('renames an agent everywhere it is named', () => {
    const next = renameAgent(deadlock, 'risk', 'credit-risk');
    const parsed = parseSquadFile(next, 'x.squad.yaml');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(Object.keys(parsed.squad.agents)).toEqual(['pricing', 'credit-risk', 'treasury']);
    expect(parsed.squad.agents.pricing?.asks).toEqual(['credit-risk']);
    expect(JSON.stringify(parsed.squad.agents.pricing?.script)).toContain('"agent":"credit-risk"');
    expect(() => renameAgent(deadlock, 'risk', 'pricing')).toThrow(YamlEditError);
  });

  it('adds and removes an agent, and removing cleans up the links to it', () => {
    const added = addAgent(deadlock, 'auditor', { role: 'checker', model: 'mini' });
    expect(added).toContain('\n\n  auditor:\n    role: checker\n    model: mini\n');
    const parsedAdded = parseSquadFile(added, 'x.squad.yaml');
    expect(parsedAdded.ok).toBe(true);
    const removed = removeAgent(deadlock, 'treasury');
    expect(removed).not.toContain('  treasury:');
    expect(removed).toContain('    handoffs: []');
    expect(removed).toContain('# Guardrail: `deadlock`.');
  });

  it('sets fields, keeping a block scalar a block', () => {
    const next = setAgentField(memo, 'checker', 'instructions', 'Recompute every ratio.\nReject with the fix.');
    expect(next).toContain('    instructions: |\n      Recompute every ratio.\n      Reject with the fix.\n    handoffs:');
    const role = setAgentField(memo, 'checker', 'role', 'reviewer');
    expect(changedLines(memo, role)).toEqual(['    role: reviewer']);
    const tools = setAgentTools(memo, 'regulatory', ['bureau.filings', 'bureau.credit_score']);
    expect(changedLines(memo, tools)).toEqual(['    tools: [bureau.filings, bureau.credit_score]']);
  });

  it('refuses to edit text with a YAML syntax error', () => {
    expect(() => addLink('agents: [', 'a', 'b', 'handoffs')).toThrow(YamlEditError);
  });
});
