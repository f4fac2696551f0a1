import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import * as esbuild from 'esbuild';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layering of ARCHITECTURE.md, checked: extension/ imports nothing from webview/ (the HTTP and
 * WebSocket client both use lives in client/), and client/ is neutral ground, browser-safe: nothing
 * from webview/, extension/ or server/, no Node built-ins, no vscode. Two views of the graph: every
 * import written in the sources (type-only ones too, which a bundle drops), and the shipped bundles'
 * whole graph as esbuild resolves it (what a file reaches through another).
 */
const root = resolve(__dirname, '..');

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f))
    .map((f) => join(folder, f).split(sep).join('/'));
}

/** Each import a file writes (static, type-only, re-export, dynamic), as `file:line: specifier`. */
function importsOf(file: string): { at: string; specifier: string; target: string | null }[] {
  const text = readFileSync(join(root, file), 'utf8');
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => {
    const line = text.slice(0, f.pos).split('\n').length;
    const target = f.fileName.startsWith('.')
      ? relative(root, resolve(root, dirname(file), f.fileName))
          .split(sep)
          .join('/')
      : null;
    return { at: `${file}:${line}`, specifier: f.fileName, target };
  });
}

function offending(files: string[], refused: (i: { specifier: string; target: string | null }) => boolean): string[] {
  return files.flatMap((file) =>
    importsOf(file)
      .filter(refused)
      .map((i) => `${i.at}: imports '${i.specifier}'`),
  );
}

const under = (target: string | null, ...folders: string[]): boolean => target !== null && folders.some((f) => target === f || target.startsWith(`${f}/`));

describe('import boundaries', () => {
  it('the scan sees the imports it checks (so an empty result means something)', () => {
    const found = importsOf('extension/server/serverApi.ts');
    expect(found.map((i) => i.target)).toContain('client/serverHost');
    expect(found.find((i) => i.target === 'client/serverHost')?.at).toMatch(/^extension\/server\/serverApi\.ts:\d+$/);
  });

  it('extension/ imports nothing from webview/, in any file, type-only imports included', () => {
    const files = sources('extension');
    expect(files.length).toBeGreaterThan(20);
    expect(offending(files, (i) => under(i.target, 'webview'))).toEqual([]);
  });

  it('client/ imports nothing from webview/, extension/ or server/, and nothing of Node or vscode', () => {
    const files = sources('client');
    expect(files).toContain('client/serverHost.ts');
    const refused = (i: { specifier: string; target: string | null }): boolean =>
      under(i.target, 'webview', 'extension', 'server') || i.specifier === 'vscode' || i.specifier.startsWith('node:') || i.specifier === 'ws';
    expect(offending(files, refused)).toEqual([]);
  });

  it('the shipped extension bundles reach nothing of webview/ through any path', async () => {
    const result = await esbuild.build({
      entryPoints: ['extension/extension.ts', 'extension/debug/debugAdapterMain.ts'].map((e) => join(root, e)),
      absWorkingDir: root,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outdir: 'out',
      write: false,
      metafile: true,
      packages: 'external',
      external: ['vscode'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    // The graph is the real one: the extension reaches the server client and the protocol.
    expect(inputs).toContain('client/serverHost.ts');
    expect(inputs.some((i) => i.startsWith('protocol/'))).toBe(true);
    const via = inputs.flatMap((from) => result.metafile.inputs[from]!.imports.filter((i) => i.path.startsWith('webview/')).map((i) => `${from} imports '${i.original ?? i.path}'`));
    expect(via).toEqual([]);
  }, 30_000);

  it('client/ bundles for the browser on its own (no Node built-ins to resolve)', async () => {
    const result = await esbuild.build({
      entryPoints: [join(root, 'client/serverHost.ts')],
      absWorkingDir: root,
      bundle: true,
      platform: 'browser',
      format: 'esm',
      outdir: 'out',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((i) => !/^(client|protocol)\/|(^|\/)node_modules\//.test(i))).toEqual([]);
  }, 30_000);
});
