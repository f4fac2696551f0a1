/**
 * A value per edge (from, to), kept in a map of maps so that looking an edge up on every message
 * builds no key string. Guardrails look edges up several times per step.
 */
export class EdgeMap<V> {
  private readonly byFrom = new Map<string, Map<string, V>>();

  get(from: string, to: string): V | undefined {
    return this.byFrom.get(from)?.get(to);
  }

  /** The edge's value, made by `make` and kept the first time the edge is asked for. */
  getOrCreate(from: string, to: string, make: () => V): V {
    let row = this.byFrom.get(from);
    if (!row) this.byFrom.set(from, (row = new Map<string, V>()));
    let value = row.get(to);
    if (value === undefined) row.set(to, (value = make()));
    return value;
  }

  /** Forgets every edge that starts or ends at `agent`. */
  deleteAgent(agent: string): void {
    this.byFrom.delete(agent);
    for (const row of this.byFrom.values()) row.delete(agent);
  }
}
