import { readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';

const SQUAD_FILE = /\.squad\.ya?ml$/;
/** Directories that hold no squad of the user's: dependencies, VCS data, run journals, builds. */
const SKIPPED = new Set(['node_modules', '.git', '.squad', 'dist', 'out', '.vscode-test']);

/** A path argument that is neither a squad file nor a directory: reported, never skipped silently. */
export interface PathProblem {
  arg: string;
  message: string;
}

/**
 * The squad files under FILE|DIR arguments, sorted, each once: a file is taken as named (whatever
 * its name), a directory is searched for `*.squad.yaml` / `*.squad.yml` at any depth.
 */
export async function findSquadFiles(args: readonly string[], cwd: string): Promise<{ files: string[]; problems: PathProblem[] }> {
  const found = new Set<string>();
  const problems: PathProblem[] = [];
  for (const arg of args) {
    const path = resolve(cwd, arg);
    const info = await stat(path).catch(() => null);
    if (!info) problems.push({ arg, message: 'no such file or directory' });
    else if (info.isDirectory()) {
      const before = found.size;
      await walk(path, found);
      if (found.size === before) problems.push({ arg, message: 'no *.squad.yaml file in this directory' });
    } else found.add(path);
  }
  return { files: [...found].sort().map((f) => relative(cwd, f) || f), problems };
}

async function walk(dir: string, into: Set<string>): Promise<void> {
  const entries = await readdir(dir, { withFileTypes: true });
  for (const e of entries) {
    if (e.isDirectory()) {
      if (!SKIPPED.has(e.name)) await walk(join(dir, e.name), into);
    } else if (e.isFile() && SQUAD_FILE.test(e.name)) into.add(join(dir, e.name));
  }
}

/** The run journals under a directory (`*.jsonl` at any depth, blobs aside), sorted. */
export async function findJournals(dir: string): Promise<string[]> {
  const out: string[] = [];
  const visit = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== 'blobs' && e.name !== 'node_modules') await visit(join(d, e.name));
      else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(join(d, e.name));
    }
  };
  await visit(dir);
  return out.sort();
}
