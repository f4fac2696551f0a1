import type { ToolSpec } from '../engine/modelProvider';

/**
 * Tool names as the APIs accept them. MCP tools are named `server.tool`, but OpenAI and Anthropic
 * take only `[A-Za-z0-9_-]{1,64}`: each name gets a wire form, unique within the request, and the
 * reply's names are mapped back. A name the model made up maps to itself, and the engine refuses it.
 */
export class WireToolNames {
  private readonly toWire = new Map<string, string>();
  private readonly fromWire = new Map<string, string>();

  constructor(tools: readonly Pick<ToolSpec, 'name'>[]) {
    for (const { name } of tools) {
      const base = name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, MAX_LENGTH) || 'tool';
      let wire = base;
      for (let n = 2; this.fromWire.has(wire); n += 1) wire = `${base.slice(0, MAX_LENGTH - String(n).length - 1)}_${n}`;
      this.toWire.set(name, wire);
      this.fromWire.set(wire, name);
    }
  }

  wire(name: string): string {
    return this.toWire.get(name) ?? name;
  }

  original(wire: string): string {
    return this.fromWire.get(wire) ?? wire;
  }
}

const MAX_LENGTH = 64;
