import { resolve } from 'node:path';
import YAML from 'yaml';
import { SquadFileSchema, type SquadFile } from '../../../protocol/squadFile';

/** The repository root, where node_modules and dist are. */
export const ROOT = resolve(__dirname, '../../..');
export const EVERYTHING = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
export const FILESYSTEM = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
/** Built by `npm run build` from samples/mcp/credit-bureau/main.ts. */
export const BUREAU = resolve(ROOT, 'dist/credit-bureau.js');

/** A one-agent squad around the given `toolServers` (YAML), for tool host tests. */
export function squadWithServers(toolServers: string, extra = ''): SquadFile {
  return SquadFileSchema.parse(
    YAML.parse(`version: 1
name: tools
task: { entry: a, input: go }
models: { m: { provider: simulated, model: gpt-4.1-mini } }
agents:
  a: { role: worker, model: m, script: [ { finish: done } ] }
toolServers:
${toolServers}
${extra}`),
  );
}
export const MEMORY = resolve(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
