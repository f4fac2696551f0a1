import type { CST } from 'yaml';

/**
 * How deep a squad file's collections may nest. A squad needs about ten levels (agents → a → script
 * → 0 → tool → args → …); tool arguments and simulated results add a few more. The limit stands
 * well above that and well below where the YAML composer, `toJS` and the schema, all recursive,
 * would run out of stack.
 */
export const MAX_NESTING = 100;

/**
 * The offset of the first collection nested deeper than `max` in the parser's tokens, or undefined.
 * Iterative (an explicit stack), so it cannot overflow on the input it guards against.
 */
export function firstTooDeep(tokens: readonly CST.Token[], max = MAX_NESTING): number | undefined {
  // Children are pushed last first, so they pop in document order and the first hit is the earliest.
  const stack: [CST.Token, number][] = tokens.map((t): [CST.Token, number] => [t, 0]).reverse();
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    switch (token.type) {
      case 'document':
        if (token.value) stack.push([token.value, depth]);
        break;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        if (depth >= max) return token.offset;
        for (let i = token.items.length - 1; i >= 0; i--) {
          const item = token.items[i]!;
          if (item.value) stack.push([item.value, depth + 1]);
          if (item.key) stack.push([item.key, depth + 1]);
        }
        break;
      }
      default:
        break;
    }
  }
  return undefined;
}
