/** How deep and how big a JSON value is, measured without recursion (a hostile value may be 100,000 levels deep). */
export interface JsonShape {
  /** Nesting of objects and arrays: 0 for a scalar, 1 for `{}` or `[]`. */
  depth: number;
  /** Objects, arrays and scalars visited. */
  nodes: number;
  /** True when the walk stopped at `limits`: `depth` and `nodes` are then lower bounds past them. */
  over: boolean;
}

/**
 * Measures `value` iteratively and stops as soon as it passes `limits`, so the cost is bounded by the
 * limits, not by the value. A value under both limits is safe for the recursive code it goes on to
 * (`JSON.stringify` overflows the stack near 10,000 levels; schema validators recurse per level).
 */
export function jsonShape(value: unknown, limits: { maxDepth: number; maxNodes: number }): JsonShape {
  let depth = 0;
  let nodes = 0;
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const top = stack.pop()!;
    nodes += 1;
    if (top.value === null || typeof top.value !== 'object') continue;
    const level = top.depth + 1;
    depth = Math.max(depth, level);
    if (level > limits.maxDepth || nodes > limits.maxNodes) return { depth, nodes, over: true };
    const children = Array.isArray(top.value) ? top.value : Object.values(top.value);
    for (const child of children) stack.push({ value: child, depth: level });
    if (nodes + stack.length > limits.maxNodes) return { depth, nodes: nodes + stack.length, over: true };
  }
  return { depth, nodes, over: false };
}
