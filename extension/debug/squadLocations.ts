import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** Where an agent is defined: the line of its key and the last line of its block (1-based). */
export interface AgentLocation {
  agent: string;
  line: number;
  endLine: number;
}

/** One hand-off in an agent's script: `agents.<agent>.script[step].handoff[index]`. */
export interface HandoffLocation {
  agent: string;
  step: number;
  to: string;
  line: number;
  endLine: number;
  /** The line of the step's `handoff:` key (the same line for an inline `handoff: { … }`). */
  keyLine: number;
}

/** A breakpoint's meaning: stop before an agent's turn, or before one of its hand-offs is sent. */
export type BreakTarget = { kind: 'turn'; agent: string; line: number } | { kind: 'handoff'; agent: string; step: number; to: string | null; line: number };

/**
 * The lines of a squad file a debugger cares about: each agent's definition and each hand-off in a
 * script. Read from the YAML tree rather than the schema so it works on any file that parses, even
 * one the schema rejects (a breakpoint should still land while the user fixes a typo elsewhere).
 */
export class SquadLocations {
  private constructor(
    readonly agents: readonly AgentLocation[],
    readonly handoffs: readonly HandoffLocation[],
    readonly taskLine: number | null,
  ) {}

  static of(text: string): SquadLocations {
    const counter = new LineCounter();
    const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false, logLevel: 'silent' });
    const lineOf = (offset: number): number => counter.linePos(offset).line;
    // A block's last line: where its last character is, not the next key's line.
    const endLineOf = (node: Node | null | undefined, fallback: number): number => {
      const end = node?.range?.[1];
      if (end === undefined) return fallback;
      const trimmed = text.slice(0, end).trimEnd().length;
      return Math.max(fallback, lineOf(Math.max(0, trimmed - 1)));
    };
    const agents: AgentLocation[] = [];
    const handoffs: HandoffLocation[] = [];
    let taskLine: number | null = null;
    if (!isMap(doc.contents)) return new SquadLocations(agents, handoffs, taskLine);
    for (const top of doc.contents.items) {
      if (!isScalar(top.key)) continue;
      if (top.key.value === 'task') taskLine = lineOf(top.key.range[0]);
      if (top.key.value !== 'agents' || !isMap(top.value)) continue;
      for (const pair of top.value.items) {
        if (!isScalar(pair.key)) continue;
        const agent = String(pair.key.value);
        const line = lineOf(pair.key.range[0]);
        agents.push({ agent, line, endLine: endLineOf(isMap(pair.value) || isSeq(pair.value) ? pair.value : null, line) });
        if (!isMap(pair.value)) continue;
        const script = pair.value.get('script', true);
        if (!isSeq(script)) continue;
        script.items.forEach((stepNode, step) => {
          if (!isMap(stepNode)) return;
          const pairNode = stepNode.items.find((p) => isScalar(p.key) && p.key.value === 'handoff');
          const keyLine = pairNode && isScalar(pairNode.key) && pairNode.key.range ? lineOf(pairNode.key.range[0]) : 0;
          const handoff = stepNode.get('handoff', true);
          const items = isSeq(handoff) ? handoff.items : handoff ? [handoff] : [];
          for (const item of items) {
            if (!isMap(item) || !item.range) continue;
            const to = item.get('to');
            const start = lineOf(item.range[0]);
            handoffs.push({ agent, step, to: typeof to === 'string' ? to : '', line: start, endLine: endLineOf(item, start), keyLine });
          }
        });
      }
    }
    return new SquadLocations(agents, handoffs, taskLine);
  }

  agent(name: string): AgentLocation | undefined {
    return this.agents.find((a) => a.agent === name);
  }

  /** The hand-off line of `agent`'s script step `step` to `to`, if the file has one. */
  handoff(agent: string, step: number | null, to: string): HandoffLocation | undefined {
    return this.handoffs.find((h) => h.agent === agent && h.to === to && (step === null || h.step === step));
  }

  /**
   * What a breakpoint on `line` means. On a hand-off (or the `handoff:` key above a list of them) it
   * stops before that hand-off is sent; anywhere else inside an agent it stops before the agent's
   * turn, and moves to the agent's name so the editor shows what it means. Elsewhere: nothing.
   */
  breakTarget(line: number): BreakTarget | null {
    const handoff = this.handoffs.find((h) => h.line <= line && line <= h.endLine);
    if (handoff) return { kind: 'handoff', agent: handoff.agent, step: handoff.step, to: handoff.to, line: handoff.line };
    // The `handoff:` key line: every hand-off of that step.
    const keyed = this.handoffs.filter((h) => h.keyLine === line);
    const first = keyed[0];
    if (first) return { kind: 'handoff', agent: first.agent, step: first.step, to: keyed.length === 1 ? first.to : null, line };
    const agent = this.agents.find((a) => a.line <= line && line <= a.endLine);
    return agent ? { kind: 'turn', agent: agent.agent, line: agent.line } : null;
  }
}
