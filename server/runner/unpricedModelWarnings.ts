import { isNode, LineCounter, parseDocument } from 'yaml';
import type { SquadDiagnostic } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';
import { modelsInUse } from '../engine/modelsInUse';
import { loadPricingTable } from '../engine/resolvedModel';

/**
 * `squad validate`'s and the editor's (Problems panel) warning for what a run would warn of as it starts: a model the agents use that
 * has no price (neither in the pricing table nor a `price:` in the file), so the budget cannot count
 * its spend. Located at the model's `model:` value (its entry when that cannot be found). None when
 * the file disables the budget guardrail. `text` is the file `squad` was parsed from.
 */
export function unpricedModelWarnings(file: string, text: string, squad: SquadFile): SquadDiagnostic[] {
  if (squad.guardrails.disabled?.includes('budget')) return [];
  const unpriced = modelsInUse(squad, loadPricingTable()).filter((m) => m.model.price === null);
  if (unpriced.length === 0) return [];
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, logLevel: 'error' });
  return unpriced.map(({ model: m, agents }): SquadDiagnostic => {
    const node = doc.getIn(['models', m.name, 'model'], true) ?? doc.getIn(['models', m.name], true);
    const [start, end] = isNode(node) && node.range ? [node.range[0], node.range[1]] : [0, 0];
    const from = lines.linePos(start);
    const to = lines.linePos(end);
    return {
      file,
      line: from.line,
      col: from.col,
      endLine: to.line,
      endCol: to.col,
      severity: 'warning',
      path: ['models', m.name, 'model'],
      message:
        `model "${m.model}" has no price in the pricing table and the file gives none: the budget cannot count the spend of ${agents.join(', ')} ` +
        '(its calls count as $0); add a `price:` to this model',
    };
  });
}
