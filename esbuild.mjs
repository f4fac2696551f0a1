// Bundles every target of the package. One file per target so the VSIX ships no node_modules and the
// server runs under VS Code's own Node with nothing to install.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** @type {import('esbuild').BuildOptions} */
const node = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const targets = [
  { ...node, entryPoints: ['server/cli/cli.ts'], outfile: 'dist/cli.js' },
  { ...node, entryPoints: ['server/http/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The sample MCP server the credit-memo squad starts under the production profile.
  { ...node, entryPoints: ['samples/mcp/credit-bureau/main.ts'], outfile: 'dist/credit-bureau.js' },
  // Dev-only targets: they import devDependencies and never ship in the VSIX.
  { ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js' },
  { ...node, entryPoints: ['scripts/genSchema.ts'], outfile: 'dist/gen-schema.js' },
].filter((t) => t.entryPoints.every((e) => existsSync(e)));

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${targets.length} targets`);
} else {
  const started = performance.now();
  await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(`built ${targets.map((t) => t.outfile).join(', ')} in ${Math.round(performance.now() - started)} ms`);
}
