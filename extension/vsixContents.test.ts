import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

/**
 * What the VSIX ships, as `vsce ls` lists it with the flags `npm run vsix` packages with: only what
 * the extension runs or shows (the bundles in dist/, the samples it copies, the schema, the media its
 * manifest and its marketplace README name), and everything those name is there. Needs `npm run
 * build` (the bundles are files vsce lists).
 */
const root = resolve(__dirname, '..');
const Manifest = z.object({
  version: z.string(),
  icon: z.string(),
  scripts: z.record(z.string(), z.string()),
  repository: z.unknown().optional(),
  bugs: z.unknown().optional(),
  homepage: z.unknown().optional(),
});
const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
const manifest = Manifest.parse(JSON.parse(manifestText));

/** The README vsce packages: `--readme-path` of the vsix script, else README.md. */
const vsixScript = manifest.scripts.vsix ?? '';
const readmePath = /--readme-path\s+(\S+)/.exec(vsixScript)?.[1] ?? 'README.md';

function listed(): string[] {
  const out = execFileSync(join(root, 'node_modules', '.bin', 'vsce'), ['ls', '--no-dependencies', '--readme-path', readmePath], { cwd: root, encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** Every file the VSIX may hold; anything else is a leak (tests, sources, maps, screenshots of docs). */
const ALLOWED = [
  /^package\.json$/,
  /^LICENSE$/,
  /^CHANGELOG\.md$/,
  new RegExp(`^${readmePath.replace(/\./g, '\\.')}$`),
  /^schemas\/squad\.schema\.json$/,
  /^media\/(icon\.png|activity\.svg)$/,
  /^media\/walkthrough\/[\w-]+\.md$/,
  /^media\/screenshots\/(dashboard|debugger)\.png$/,
  /^dist\/(extension|server|cli|cli-main|gateWorker|runThread|debugAdapter|credit-bureau)\.js$/,
  /^dist\/o200k_base\.ranks$/,
  /^dist\/webview\/[\w.-]+\.(js|css)$/,
  /^samples\/(credit-memo|failure-modes|loan-pricing)\/[\w-]+\.squad\.yaml$/,
  /^samples\/failure-modes\/README\.md$/,
  /^samples\/mcp\/credit-bureau\/bureauData\.json$/,
];

describe('the VSIX', () => {
  const files = listed();

  it('ships only what the extension needs', () => {
    expect(files.filter((f) => !ALLOWED.some((a) => a.test(f)))).toEqual([]);
    expect(files.some((f) => f.endsWith('.map') || f.endsWith('.ts'))).toBe(false);
    // No code cache of the machine that packaged it: it is made where the CLI runs (server/cli/codeCache.ts).
    expect(files.some((f) => f.startsWith('dist/.cache'))).toBe(false);
  });

  it('ships every bundle the manifest and the extension start', () => {
    for (const f of [
      'dist/extension.js',
      'dist/server.js',
      'dist/cli.js',
      'dist/cli-main.js',
      'dist/gateWorker.js',
      'dist/runThread.js',
      'dist/o200k_base.ranks',
      'dist/debugAdapter.js',
      'dist/webview/app.js',
      'dist/webview/monaco.js',
      'schemas/squad.schema.json',
      manifest.icon,
    ]) {
      expect(files, f).toContain(f);
    }
  });

  it('ships every file package.json names (icons, walkthrough media)', () => {
    const named = [...manifestText.matchAll(/"(media\/[^"]+)"/g)].map((m) => m[1] ?? '');
    expect(named.length).toBeGreaterThan(3);
    for (const f of named) expect(files, f).toContain(f);
  });

  it('its README shows images that ship with it, and no placeholder URL anywhere', () => {
    const readme = readFileSync(join(root, readmePath), 'utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? '');
    expect(images.length).toBeGreaterThan(0);
    for (const src of images) {
      expect(src, 'relative, so it renders from the installed extension').not.toMatch(/^[a-z]+:/);
      expect(files, src).toContain(src);
    }
    expect(`${manifestText}\n${vsixScript}\n${readme}`).not.toMatch(/example\.(invalid|com)/);
    // No repository is published: the manifest names none rather than a made-up one.
    for (const field of [manifest.repository, manifest.bugs, manifest.homepage]) {
      if (field !== undefined) expect(JSON.stringify(field)).toMatch(/^"?https:\/\/|"url":"https:\/\//);
    }
  });

  it('has a changelog entry for the version it packages', () => {
    const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
    expect(changelog).toMatch(new RegExp(`^## ${manifest.version.replace(/\./g, '\\.')}\\b`, 'm'));
  });

  it('has a 128×128 (or larger) PNG icon', () => {
    const png = readFileSync(join(root, manifest.icon));
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBeGreaterThanOrEqual(128);
    expect(png.readUInt32BE(20)).toBeGreaterThanOrEqual(128);
    expect(existsSync(join(root, 'media', 'activity.svg'))).toBe(true);
  });
});
