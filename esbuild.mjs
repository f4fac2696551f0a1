// Bundles every target of the package. One file per target so the VSIX ships no node_modules and the
// server runs under VS Code's own Node with nothing to install.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';

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
  // The worker threads of `squad test` and `squad forecast` (runs on every core).
  { ...node, entryPoints: ['server/gate/gateWorkerMain.ts'], outfile: 'dist/gateWorker.js' },
  { ...node, entryPoints: ['server/http/main.ts'], outfile: 'dist/server.js' },
  { ...node, entryPoints: ['extension/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  // The squad debugger: its own process (VS Code starts it with its own Node), so a long run never
  // blocks the extension host.
  { ...node, entryPoints: ['extension/debug/debugAdapterMain.ts'], outfile: 'dist/debugAdapter.js' },
  // The sample MCP server the credit-memo squad starts under the production profile.
  { ...node, entryPoints: ['samples/mcp/credit-bureau/main.ts'], outfile: 'dist/credit-bureau.js' },
  // Dev-only targets: they import devDependencies and never ship in the VSIX.
  // playwright-core finds its own files at run time: the bench loads it from node_modules.
  { ...node, entryPoints: ['bench/bench.ts'], outfile: 'dist/bench.js', external: ['playwright-core'] },
  { ...node, entryPoints: ['scripts/genSchema.ts'], outfile: 'dist/gen-schema.js' },
  // `npm run test:desktop` (extension/test-electron): the launcher and the suite VS Code loads.
  { ...node, entryPoints: ['extension/test-electron/runDesktopTests.ts'], outfile: 'dist/test-electron.js' },
  { ...node, entryPoints: ['extension/test-electron/desktopSuite.ts'], outfile: 'dist/test-electron-suite.js', external: ['vscode'] },
].filter((t) => t.entryPoints.every((e) => existsSync(e)));

// The web app (webview/README.md): ES modules; the graph and dashboard load first and Monaco (the
// largest part) only when an editor opens. Served by the local server at `/`
// (files under `/app/`) and loaded by the extension's webview panels.
const browser = {
  bundle: true,
  platform: 'browser',
  target: 'es2022',
  sourcemap: production ? false : 'linked',
  // SQUAD_NO_MINIFY=1: readable function names in a profile (see bench/webview.ts).
  minify: !process.env.SQUAD_NO_MINIFY,
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
};
if (existsSync('webview/main.tsx')) {
  targets.push(
    { ...browser, entryPoints: ['webview/main.tsx'], outfile: 'dist/webview/app.js', format: 'esm' },
    // Monaco on its own (monaco.js + monaco.css): the app imports it by URL when an editor opens.
    { ...browser, entryPoints: ['webview/monaco/monacoEntry.ts'], outfile: 'dist/webview/monaco.js', format: 'esm', loader: { '.ttf': 'dataurl' } },
    // Monaco's worker, a classic script: a webview starts it from a blob that imports it.
    { ...browser, entryPoints: ['node_modules/monaco-editor/esm/vs/editor/editor.worker.js'], outfile: 'dist/webview/editor.worker.js', format: 'iife' },
  );
}

if (existsSync('webview/index.html')) {
  mkdirSync('dist/webview', { recursive: true });
  copyFileSync('webview/index.html', 'dist/webview/index.html');
  // ELK's own worker build, loaded by webview/ui/graph/elkLayout.ts (a classic worker script, as is).
  copyFileSync('node_modules/elkjs/lib/elk-worker.min.js', 'dist/webview/elk-worker.js');
}

if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${targets.length} targets`);
} else {
  const started = performance.now();
  await Promise.all(targets.map((t) => esbuild.build(t)));
  console.log(`built ${targets.map((t) => t.outfile ?? t.outdir).join(', ')} in ${Math.round(performance.now() - started)} ms`);
}
