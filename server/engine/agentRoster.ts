import type { SquadFile } from '../../protocol/squadFile';
import { systemPrompt, toolAllowed, type AgentRuntime } from './agentRuntime';
import { controlToolSpecs } from './controlTools';
import { leastOutstanding } from './replicaBalancer';
import { loadPricingTable, resolveModel } from './resolvedModel';
import { countText } from './tokenCounter';
import type { ToolHost } from './toolHost';

/**
 * The agents of a run: one runtime per agent, or per instance of an agent declared with `replicas`,
 * in declaration order, and the replica sets by declared name.
 */
export class AgentRoster {
  readonly all = new Map<string, AgentRuntime>();
  /** The instances of each agent declared with `replicas` > 1, by declared name, in index order. */
  readonly replicaSets = new Map<string, AgentRuntime[]>();

  constructor(squad: SquadFile, tools: ToolHost) {
    const pricing = loadPricingTable();
    for (const [definition, config] of Object.entries(squad.agents)) {
      const modelConfig = squad.models[config.model];
      if (!modelConfig) throw new Error(`agent ${definition}: unknown model "${config.model}" (validate the squad first)`);
      const mcpTools = tools.tools().filter((t) => toolAllowed(config.tools, t.name));
      const specs = [...controlToolSpecs({ canHandoff: config.handoffs.length > 0, canAsk: config.asks.length > 0 }), ...mcpTools];
      const model = resolveModel(config.model, modelConfig, pricing);
      const toolTokens = countText(JSON.stringify(specs));
      const system = systemPrompt(squad.name, definition, config);
      const names = config.replicas > 1 ? Array.from({ length: config.replicas }, (_, i) => `${definition}#${i + 1}`) : [definition];
      const instances = names.map((name): AgentRuntime => ({
        name,
        definition,
        inTransit: 0,
        downUntil: 0,
        config,
        model,
        tools: specs,
        toolTokens,
        status: 'idle',
        mailbox: [],
        context: [{ role: 'system', content: system }],
        turns: 0,
        turn: null,
        wait: null,
        openQuestions: [],
        caller: null,
        marks: [],
        awaitingResults: new Set(),
        documents: new Set(),
        join: null,
      }));
      for (const a of instances) this.all.set(a.name, a);
      if (instances.length > 1) this.replicaSets.set(definition, instances);
    }
  }

  get(name: string): AgentRuntime {
    const agent = this.all.get(name);
    if (!agent) throw new Error(`no agent "${name}" in this squad`);
    return agent;
  }

  find(name: string | null): AgentRuntime | undefined {
    return name === null ? undefined : this.all.get(name);
  }

  /** The instance names of a declared agent (itself when it has no replicas). */
  instancesOf(definition: string): string[] {
    return this.replicaSets.get(definition)?.map((a) => a.name) ?? [definition];
  }

  isReplicated(definition: string): boolean {
    return this.replicaSets.has(definition);
  }

  /**
   * Where a message addressed to `address` goes: that agent, or for an agent declared with replicas
   * the healthy instance with the least outstanding work (see `leastOutstanding`). An answer or a
   * result is addressed to the instance that asked or handed off, so an exchange stays on it.
   * With every instance down, the work waits for the first one back.
   */
  route(address: string, now: number): string {
    const set = this.replicaSets.get(address);
    if (!set) return address;
    const up = leastOutstanding(set, now);
    if (up) return up.name;
    return set.reduce((a, b) => (b.downUntil < a.downUntil ? b : a)).name;
  }

  /** A healthy sibling instance to take over `agent`'s work, or null. */
  healthySibling(agent: AgentRuntime, now: number): AgentRuntime | null {
    const set = this.replicaSets.get(agent.definition);
    return set ? leastOutstanding(set, now, agent) : null;
  }

  /** Agents with something going on, for a timeout's evidence. */
  busy(): { agent: string; status: string; turns: number; mailbox: number }[] {
    return [...this.all.values()].filter((a) => a.status !== 'idle' || a.mailbox.length > 0).map((a) => ({ agent: a.name, status: a.status, turns: a.turns, mailbox: a.mailbox.length }));
  }
}
