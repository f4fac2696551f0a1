import { parse as parseYaml, parseDocument } from 'yaml';
import { parseSquadFile } from '../protocol/parseSquadFile';
import { median } from './measure';

export interface SquadFileParse {
  agents: number;
  bytes: number;
  runs: number;
  /**
   * The peer: the same text through `yaml` alone, `parseDocument(text, { uniqueKeys: false }).toJS()`,
   * the floor any YAML-based check stands on (ours also keeps the document, for the editor).
   */
  yamlMs: number;
  /** Plain `yaml.parse(text)`, timed once: its default duplicate-key check is quadratic in a mapping's size. */
  yamlParseDefaultMs: number;
  /** `parseSquadFile`: characters, nesting, YAML, duplicates, schema, references, located diagnostics. */
  oursMs: number;
  /** The same file with a warning on every agent: one located diagnostic per agent. */
  oursWarningsMs: number;
  oursMsPerThousandAgents: number;
  /** oursMs / yamlMs. */
  ratio: number;
  warningsRatio: number;
}

/** A squad of `agents` workers in a ring, each with instructions, a hand-off and a one-step script. */
export function bigSquadFile(agents: number, warnEach = false): string {
  const parts = ['version: 1\nname: big\ntask: { entry: a0, input: go }\nmodels:\n  m: { provider: simulated, model: gpt-4.1 }\nagents:\n'];
  for (let i = 0; i < agents; i++) {
    const next = `a${(i + 1) % agents}`;
    parts.push(
      `  a${i}:\n    role: worker\n    model: m\n    instructions: You are worker ${i}; pass the file on.\n    handoffs: [${next}]\n` +
        (warnEach ? '    stuckAfterMs: 5000\n' : '') +
        `    script:\n      - say: Passing on ${i}.\n        handoff: { to: ${next}, content: work item ${i} }\n`,
    );
  }
  return parts.join('');
}

/**
 * Validating a 25,000-agent file against parsing it as plain YAML, alternating so neither side
 * always runs on the other's garbage; medians. Target: well under a second per thousand agents.
 */
export function benchSquadFileParse(agents = 25_000, runs = 3): SquadFileParse {
  const text = bigSquadFile(agents);
  const warned = bigSquadFile(agents, true);
  const yaml: number[] = [];
  const ours: number[] = [];
  const oursWarnings: number[] = [];
  const timeOf = (f: () => unknown) => {
    const started = performance.now();
    f();
    return performance.now() - started;
  };
  for (let i = 0; i <= runs; i++) {
    const y = timeOf(() => parseDocument(text, { uniqueKeys: false }).toJS());
    const o = timeOf(() => {
      const r = parseSquadFile(text, 'big.squad.yaml');
      if (!r.ok || r.warnings.length > 0) throw new Error('squad file bench: the big file should be valid and clean');
    });
    const w = timeOf(() => {
      const r = parseSquadFile(warned, 'big.squad.yaml');
      if (!r.ok || r.warnings.length !== agents) throw new Error('squad file bench: expected one warning per agent');
    });
    if (i === 0) continue; // warm-up
    yaml.push(y);
    ours.push(o);
    oursWarnings.push(w);
  }
  const yamlParseDefaultMs = timeOf(() => parseYaml(text));
  const yamlMs = median(yaml);
  const oursMs = median(ours);
  const oursWarningsMs = median(oursWarnings);
  return {
    agents,
    bytes: Buffer.byteLength(text),
    runs,
    yamlMs,
    yamlParseDefaultMs,
    oursMs,
    oursWarningsMs,
    oursMsPerThousandAgents: oursMs / (agents / 1000),
    ratio: oursMs / yamlMs,
    warningsRatio: oursWarningsMs / yamlMs,
  };
}
