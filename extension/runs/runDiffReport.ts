import type { RunEvent } from '../../protocol/runEvent';
import type { DiffResponse, DivergenceInfo, ReplayResponse } from '../../protocol/api/replayResponse';

/** How a run is named in a report: its squad and its id. */
export interface RunLabel {
  id: string;
  squad: string;
}

/**
 * `GET /api/diff` as a Markdown document: where the two runs part (both versions of the first event
 * that differs) and what each cost, in total and per agent, with the difference B − A.
 */
export function diffReport(diff: DiffResponse, a: RunLabel, b: RunLabel): string {
  const out: string[] = [`# Diff of two runs`, '', `- **A**: ${a.squad} \`${a.id}\``, `- **B**: ${b.squad} \`${b.id}\``, ''];
  if (!diff.parting) out.push(`The runs make the same ${diff.shared} events: neither decided anything differently.`, '');
  else out.push(...parting(diff.parting, diff.shared, 'A', 'B'));
  out.push('## Cost', '');
  const rows: string[][] = [
    ['status', diff.a.status, diff.b.status, ''],
    ['events', String(diff.a.events), String(diff.b.events), delta(diff.b.events - diff.a.events, 0)],
    ['cost (USD)', usd(diff.a.costUsd), usd(diff.b.costUsd), delta(diff.b.costUsd - diff.a.costUsd, 4)],
    ['input tokens', String(diff.a.inputTokens), String(diff.b.inputTokens), delta(diff.b.inputTokens - diff.a.inputTokens, 0)],
    ['output tokens', String(diff.a.outputTokens), String(diff.b.outputTokens), delta(diff.b.outputTokens - diff.a.outputTokens, 0)],
    ['virtual time (s)', seconds(diff.a.virtualMs), seconds(diff.b.virtualMs), delta((diff.b.virtualMs - diff.a.virtualMs) / 1000, 1)],
  ];
  out.push(...table(['', 'A', 'B', 'B − A'], rows), '');
  const agents = [...new Set([...Object.keys(diff.a.agents), ...Object.keys(diff.b.agents)])].sort();
  if (agents.length) {
    out.push('## Cost per agent (USD)', '');
    out.push(
      ...table(
        ['agent', 'A', 'B', 'B − A'],
        agents.map((name) => {
          const x = diff.a.agents[name];
          const y = diff.b.agents[name];
          return [name, x === undefined ? '—' : usd(x), y === undefined ? '—' : usd(y), delta((y ?? 0) - (x ?? 0), 4)];
        }),
      ),
      '',
    );
  }
  return out.join('\n');
}

/** `POST /api/runs/:id/replay` as a Markdown document: reproduced, or where the re-run parted from the journal. */
export function replayReport(result: ReplayResponse, run: RunLabel, edited: string | null): string {
  const out = [
    `# Replay of ${run.squad} \`${run.id}\``,
    '',
    edited ? `Re-run from its journal with the squad file as it is now (\`${edited}\`).` : 'Re-run from its journal with the squad file it recorded.',
    '',
  ];
  if (!result.divergence) out.push(`Every one of the ${result.events} events reproduced: the run makes the same decisions.`, '');
  else out.push(`Reproduced ${result.replayed} of ${result.events} events.`, '', ...parting(result.divergence, result.divergence.seq - 1, 'journal', 're-run'));
  return out.join('\n');
}

/** A one-line summary of a replay, for a notification. */
export function replaySummary(result: ReplayResponse): string {
  if (!result.divergence) return `replays identically (${result.events} events)`;
  return `parts from its journal at event ${result.divergence.seq}: ${describeEvent(result.divergence.expected)} vs ${describeEvent(result.divergence.actual)}`;
}

function parting(d: DivergenceInfo, shared: number, left: string, right: string): string[] {
  return [
    `## Where they part: event ${d.seq}`,
    '',
    `The first ${shared} events are the same.${d.fields.length ? ` At event ${d.seq} these fields differ: ${d.fields.map((f) => `\`${f}\``).join(', ')}.` : ''}`,
    '',
    `**${left}**: ${describeEvent(d.expected)}`,
    '',
    fenced(d.expected),
    '',
    `**${right}**: ${describeEvent(d.actual)}`,
    '',
    fenced(d.actual),
    '',
  ];
}

/** `model.request by checker`, `message.sent planner → checker`, or that the side has no event there. */
export function describeEvent(e: RunEvent | null): string {
  if (!e) return 'no event (the run ended)';
  if (e.type === 'message.sent') return `${e.type} ${e.from ?? 'task'} → ${e.to}`;
  return `${e.type}${e.agent ? ` by ${e.agent}` : ''}`;
}

function fenced(e: RunEvent | null): string {
  return e ? ['```json', JSON.stringify(e, null, 2), '```'].join('\n') : '_(none)_';
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, 3, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [line(head), `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(w - 1)}:`)).join(' | ')} |`, ...rows.map(line)];
}

const usd = (n: number): string => n.toFixed(4);
const seconds = (ms: number): string => (ms / 1000).toFixed(1);

function delta(n: number, digits: number): string {
  const rounded = Number(n.toFixed(digits));
  if (rounded === 0) return '0';
  return `${rounded > 0 ? '+' : '−'}${Math.abs(rounded).toFixed(digits)}`;
}
