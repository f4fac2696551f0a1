// Bundles every target of the package. One file per target so the VSIX ships no node_modules and the
// server runs under VS Code's own Node with nothing to install.
import * as esbuild from 'esbuild';
import { builtinModules } from 'node:module';
import { pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/**
 * gpt-tokenizer builds its o200k encoder from a 2.4 MB array literal (about 140 ms to parse, then
 * 80 ms for its Map of 200,000 strings) at every start of a process that counts tokens. The Node
 * bundles read instead dist/o200k_base.ranks, the same ranks packed once here by
 * server/tokenizer/o200kRankBytes.ts itself (packRanks: the texts in one block and a ready hash
 * table), which server/tokenizer/o200k.ts opens in a few milliseconds. Tests run from source pack
 * the package's array at run time.
 */
// One pack per build script, shared by every target: the targets build in parallel, and when each
// packed on its own they wrote, imported and removed the same throwaway file at once (a target could
// import another's half-written packer and find no o200kRankBytes in it).
let ranksWritten = null;
const tokenizerRanks = {
  name: 'tokenizer-ranks',
  setup(build) {
    build.onLoad({ filter: /server[\\/]tokenizer[\\/]o200kRankBytes\.ts$/ }, async (args) => {
      ranksWritten ??= (async () => {
        // Run the module as tests do (a throwaway bundle of it, its packages from node_modules).
        const packer = join('dist', `.o200k-packer-${process.pid}.mjs`);
        mkdirSync('dist', { recursive: true });
        await esbuild.build({ entryPoints: [args.path], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: packer, logLevel: 'warning' });
        try {
          const { o200kRankBytes } = await import(pathToFileURL(packer).href);
          writeFileSync('dist/o200k_base.ranks', o200kRankBytes());
        } finally {
          rmSync(packer, { force: true });
        }
      })();
      await ranksWritten;
      return {
        contents: "import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nexport function o200kRankBytes() {\n  return readFileSync(join(__dirname, 'o200k_base.ranks'));\n}\n",
        loader: 'js',
      };
    });
  },
};

/**
 * zod's `z` namespace re-exports every one of its ~50 error-message locales (about 250 KB of the
 * web app's 1.2 MB, parsed before its first paint; 400 KB of the 2.2 MB that `squad run` loads),
 * and the code uses only English, zod's default. In every bundle its locales index exports English
 * alone; `z.locales.en` still works.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    build.onResolve({ filter: /[\\/]locales[\\/]index\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};\n`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * The MCP SDK's Client and Server import Ajv (300 KB, evaluated at load) for their default JSON
 * Schema validator. Every Client and Server the studio makes is given its own
 * (server/mcp/toolSchemaValidator.ts, on @cfworker/json-schema), so in the Node bundles the default
 * is the SDK's own cfworker provider and Ajv is not bundled at all.
 */
const sdkWithoutAjv = {
  name: 'sdk-without-ajv',
  setup(build) {
    build.onResolve({ filter: /[\\/]validation[\\/]ajv-provider\.js$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]@modelcontextprotocol[\\/]sdk[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), args.path.replace('ajv-provider.js', 'cfworker-provider.js')), namespace: 'sdk-without-ajv' };
    });
    build.onLoad({ filter: /.*/, namespace: 'sdk-without-ajv' }, (args) => ({
      contents: `export { CfWorkerJsonSchemaValidator as AjvJsonSchemaValidator } from ${JSON.stringify(args.path)};\n`,
      loader: 'js',
      resolveDir: dirname(args.path),
    }));
  },
};

/**
 * `import('node:readline')`, `import('http')`… of Node's built-ins become `require` in the CLI's
 * bundle. It runs through `vm.Script` with a code cache (server/cli/codeCache.ts), and a script
 * made from a code cache loses its dynamic-import callback on Node 20: a real `import()` there
 * throws ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING (the OTLP exporter's `import('http')` did).
 */
const builtinsAsRequire = {
  name: 'builtins-as-require',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^[a-z:_/]+$/ }, (args) => {
      const name = args.path.replace(/^node:/, '');
      if (args.kind !== 'dynamic-import' || !builtins.has(name)) return undefined;
      return { path: name, namespace: 'builtin-as-require' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin-as-require' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(`node:${args.path}`)});\n`, loader: 'js' }));
  },
};

/** @type {import('esbuild').BuildOptions} */
const node = {
  plugins: [tokenizerRanks, zodEnglishOnly, sdkWithoutAjv],
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
  // The `squad` command: the bin (dist/cli.js, a few KB: `--version`, then it runs the bundle) and the
  // bundle of every command (dist/cli-main.js), which the bin compiles through V8's code cache
  // (server/cli/codeCache.ts). Each command's code is evaluated only when it runs (its import() is a
  // lazy module in the bundle), so `squad validate` does not evaluate the engine's or server's.
  { ...node, entryPoints: ['server/cli/bin.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  // Whitespace and syntax minified even in a dev build (names kept, so stack traces still name the
  // functions, and the source map still points into the sources): 3.9 MB instead of 5.9 MB to read
  // and hash at each start, about 40 ms of a `squad run` (npm run bench -- --startup).
  { ...node, plugins: [...node.plugins, builtinsAsRequire], entryPoints: ['server/cli/cli.ts'], outfile: 'dist/cli-main.js', minifyWhitespace: true, minifySyntax: true },
  // The worker threads of `squad test` and `squad forecast` (runs on every core).
  { ...node, entryPoints: ['server/gate/gateWorkerMain.ts'], outfile: 'dist/gateWorker.js' },
  // The run threads of the embedded server (`squad serve`): each run's engine off the HTTP event loop.
  { ...node, entryPoints: ['server/runs/runThreadMain.ts'], outfile: 'dist/runThread.js' },
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
].filter((t) => Object.values(t.entryPoints).every((e) => existsSync(e)));

// The web app (webview/README.md): ES modules; the graph and dashboard load first and Monaco (the
// largest part) only when an editor opens. Served by the local server at `/`
// (files under `/app/`) and loaded by the extension's webview panels.
const browser = {
  plugins: [zodEnglishOnly],
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

// The CLI was ES modules (dist/cli.mjs and its dist/cli.chunk-*.mjs) before the code cache, and
// dist/o200k_base.json held the ranks before dist/o200k_base.ranks did: remove what an earlier build
// left, so dist/ (and the VSIX) holds this build's files only. The code caches of earlier builds go too.
if (existsSync('dist')) for (const f of readdirSync('dist')) if (/^cli\.(chunk-.*\.)?mjs(\.map)?$/.test(f) || f === 'o200k_base.json') rmSync(`dist/${f}`);
rmSync('dist/.cache', { recursive: true, force: true });

const nameOf = (t) => t.outfile;
if (watch) {
  const contexts = await Promise.all(targets.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log(`watching ${targets.length} targets`);
} else {
  // Say what is being built, then each target as it finishes (the slowest take 5-25 s on a busy machine).
  const started = performance.now();
  console.log(`building ${targets.length} targets${production ? ' (production: minified, no source maps)' : ''}…`);
  let done = 0;
  await Promise.all(
    targets.map(async (t) => {
      const began = performance.now();
      await esbuild.build(t);
      const size = statSync(nameOf(t)).size;
      done += 1;
      console.log(
        `  [${String(done).padStart(2)}/${targets.length}] ${nameOf(t).padEnd(34)} ${(size / 1048576).toFixed(1).padStart(5)} MB  ${((performance.now() - began) / 1000).toFixed(1).padStart(5)} s`,
      );
    }),
  );
  if (existsSync('dist/cli.js')) chmodSync('dist/cli.js', 0o755); // the bin, run as ./dist/cli.js too
  console.log(`built ${targets.length} targets in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
