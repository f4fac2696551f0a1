import type { RunEvent } from '../../protocol/runEvent';
import { describe as describeDivergence, type Divergence } from './divergence';
import { eventLine } from './eventLine';

/**
 * What `squad replay` prints for a divergence, and `squad test --journals` for each journal that
 * diverges: the seq, what differs, both versions of the event and the fields that differ.
 */
export function divergenceReport(d: Divergence, dim: (s: string) => string = (s) => s): string {
  const lines = [`diverged at seq ${d.seq}: ${describeDivergence(d)}`];
  lines.push(`  journal: ${d.expected ? eventLine(d.expected) : '(ended)'}`);
  lines.push(`  re-run:  ${d.actual ? eventLine(d.actual) : '(ended)'}`);
  for (const field of d.fields.slice(0, 6)) {
    const show = (e: RunEvent | null): string => JSON.stringify(e ? (e as unknown as Record<string, unknown>)[field] : null)?.slice(0, 160) ?? 'undefined';
    lines.push(dim(`  ${field}: ${show(d.expected)} → ${show(d.actual)}`));
  }
  return lines.join('\n');
}
