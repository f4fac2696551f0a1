import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runTestSquad } from '../../server/engine/testSquad';
import { agentFigures, definitionOf } from './agentInstances';
import { edgeKey, foldRunView } from './runView';
import { squadGraph } from './squadGraph';

const samplePath = new URL('../../samples/loan-pricing/loan-pricing.squad.yaml', import.meta.url);
const sample = readFileSync(samplePath, 'utf8');

describe('replicated agents in the web app', () => {
  it('maps an instance to its definition, and leaves other names alone', () => {
    expect(definitionOf('pricer#3')).toBe('pricer');
    expect(definitionOf('pricer#12')).toBe('pricer');
    expect(definitionOf('pricer')).toBe('pricer');
    expect(definitionOf('#1')).toBe('#1');
  });

  it('reads the replica count from the squad file', () => {
    const graph = squadGraph(sample, 'loan-pricing.squad.yaml');
    const replicas = Object.fromEntries(graph.nodes.flatMap((n) => (n.kind === 'agent' ? [[n.name, n.replicas]] : [])));
    expect(replicas).toEqual({ desk: 1, pricer: 3 });
  });

  it('folds the loan-pricing run (real engine): sums per agent, per-instance figures, edges by definition, the failover row', async () => {
    const run = await runTestSquad(sample);
    const view = foldRunView(run.events);
    const figures = agentFigures(view);
    expect([...figures.keys()].sort()).toEqual(['desk', 'pricer']);
    const pricer = figures.get('pricer')!;
    expect(pricer.instances.map((i) => i.name)).toEqual(['pricer#1', 'pricer#2', 'pricer#3']);
    const instanceCost = ['pricer#1', 'pricer#2', 'pricer#3'].reduce((a, n) => a + (view.account.agents[n]?.costUsd ?? 0), 0);
    expect(pricer.costUsd).toBeCloseTo(instanceCost, 12);
    expect(pricer.turns).toBe(pricer.instances.reduce((a, i) => a + i.turns, 0));
    expect(pricer.instances.every((i) => i.busyMs > 0)).toBe(true);

    // Edges count the messages of every instance on the declared agents' edge.
    const deskToPricer = run.of('message.sent').filter((m) => m.from === 'desk' && definitionOf(m.to) === 'pricer').length;
    expect(deskToPricer).toBeGreaterThanOrEqual(6);
    expect(view.edges.get(edgeKey('desk', 'pricer'))?.messages).toBe(deskToPricer);
    expect([...view.edges.keys()].some((k) => k.includes('#'))).toBe(false);

    const failovers = run.of('agent.failover');
    expect(failovers.length).toBeGreaterThan(0);
    const f = failovers[0]!;
    expect(pricer.instances.find((i) => i.name === f.from)?.failedOver).toBeGreaterThan(0);
    const row = view.timeline.find((r) => r.seq === f.seq);
    expect(row?.kind).toBe('failover');
    expect(row?.ok).toBe(false);
    expect(row?.label).toContain(`${f.from} ${f.cause} → work moved to ${f.to} (${f.messageIds.length} message`);
    const stuck = view.timeline.find((r) => r.kind === 'model' && r.label.includes('stuck'));
    expect(stuck?.agent).toBe(f.from);
  });

  it('marks a replicated agent active while any one instance is in a turn', async () => {
    const run = await runTestSquad(sample);
    const started = run.of('agent.turn.started').find((e) => e.agent === 'pricer#2')!;
    const view = foldRunView(run.events, started.seq);
    const pricer = agentFigures(view).get('pricer')!;
    expect(pricer.active).toBe(true);
    expect(pricer.instances.find((i) => i.name === 'pricer#2')?.active).toBe(true);
  });
});
