import type { RunView } from './runView';

/**
 * An agent declared with `replicas: N` runs as instances `name#1` … `name#N` (server/engine/runSquad.ts);
 * every event names the instance. The graph has one node per declared agent, so the web app maps an
 * instance back to its definition; a plain agent is its own definition.
 */
export function definitionOf(agent: string): string {
  const m = /^(.+)#\d+$/.exec(agent);
  return m ? m[1]! : agent;
}

/** One instance's share of its agent's work, for the balance view (node details, cost panel). */
export interface InstanceFigures {
  name: string;
  turns: number;
  costUsd: number;
  /** Virtual ms spent on the model and on tools. */
  busyMs: number;
  active: boolean;
  /** Times this instance's work moved to a sibling (it crashed or was stuck). */
  failedOver: number;
}

/** A declared agent's state in a run: its instances' figures summed, and each instance on its own. */
export interface AgentFigures {
  costUsd: number;
  turns: number;
  busyMs: number;
  active: boolean;
  /** The first instance that waits, and on what (mapped to definitions as the graph draws them). */
  waiting: { on: string[]; question: string | null } | null;
  /** Instances in index order; one entry named as the agent itself when it is not replicated. */
  instances: InstanceFigures[];
}

/**
 * Figures per declared agent, from the run view's per-instance account. Linear in the number of
 * agents the run has seen: called once per fold, not per event.
 */
export function agentFigures(view: RunView): Map<string, AgentFigures> {
  const out = new Map<string, AgentFigures>();
  const failed = new Map<string, number>();
  for (const f of view.account.failovers) failed.set(f.from, (failed.get(f.from) ?? 0) + 1);
  const names = new Set([...Object.keys(view.account.agents), ...view.active.keys(), ...view.waiting.keys()]);
  for (const name of names) {
    const def = definitionOf(name);
    const acc = view.account.agents[name];
    const figures = out.get(def) ?? { costUsd: 0, turns: 0, busyMs: 0, active: false, waiting: null, instances: [] };
    const inst: InstanceFigures = {
      name,
      turns: acc?.turns ?? 0,
      costUsd: acc?.costUsd ?? 0,
      busyMs: (acc?.modelMs ?? 0) + (acc?.toolMs ?? 0),
      active: view.active.has(name),
      failedOver: failed.get(name) ?? 0,
    };
    figures.costUsd += inst.costUsd;
    figures.turns += inst.turns;
    figures.busyMs += inst.busyMs;
    figures.active ||= inst.active;
    const wait = view.waiting.get(name);
    if (wait && !figures.waiting) figures.waiting = { on: [...new Set(wait.on.map(definitionOf))], question: wait.question };
    figures.instances.push(inst);
    out.set(def, figures);
  }
  for (const f of out.values()) f.instances.sort((a, b) => instanceIndex(a.name) - instanceIndex(b.name));
  return out;
}

function instanceIndex(name: string): number {
  const m = /#(\d+)$/.exec(name);
  return m ? Number(m[1]) : 0;
}
