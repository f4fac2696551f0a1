import { readdir, readFile, realpath, rename, stat, utimes, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { SquadLayoutSchema, type SquadLayout } from '../../protocol/webview/squadLayout';
import { errnoCode } from '../store/journalError';
import { HttpError } from './httpError';
import { containedPath, ContainmentError, SQUAD_SUFFIXES, type ContainedPath } from '../trust/pathContainment';
import { makeDirectory } from '../store/makeDirectory';

/** Where layouts live, and nowhere else. */
const LAYOUT_DIR = '.squad/layout';

/** Directories never worth walking for squad files (and never to be shown). */
const SKIP = new Set(['node_modules', '.git', '.squad', 'dist', 'out', '.vscode-test']);
const MAX_FILES = 500;
const MAX_DEPTH = 6;

/**
 * The workspace's squad files for the browser's editor. Every path comes from the wire, so each is
 * resolved on the real path (symbolic links included) and must stay inside the workspace; only
 * `*.squad.yaml` files and their layout sidecars under `.squad/layout/` are read or written.
 */
export class WorkspaceFiles {
  constructor(private readonly workspace: string) {}

  async list(): Promise<string[]> {
    const root = await realpath(this.workspace);
    const out: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      if (depth > MAX_DEPTH || out.length >= MAX_FILES) return;
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (out.length >= MAX_FILES) return;
        if (entry.isDirectory() && !SKIP.has(entry.name)) await walk(join(dir, entry.name), depth + 1);
        else if (entry.isFile() && /\.squad\.ya?ml$/.test(entry.name)) out.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
      }
    };
    await walk(root, 0);
    return out;
  }

  async read(path: string): Promise<{ path: string; text: string; version: number }> {
    const real = await this.existing(path);
    const [text, info] = await Promise.all([readFile(real, 'utf8'), stat(real)]);
    return { path, text, version: Math.floor(info.mtimeMs) };
  }

  /** Writes through a temporary file and a rename, so a reader never sees half a file. */
  async write(path: string, text: string, baseVersion: number): Promise<{ version: number }> {
    const real = await this.existing(path);
    const before = Math.floor((await stat(real)).mtimeMs);
    if (before !== baseVersion) throw new HttpError(409, `"${path}" changed on disk since it was read: reload it`, 'baseVersion');
    const temp = `${real}.${process.pid}.tmp`;
    await writeFile(temp, text, 'utf8');
    await rename(temp, real);
    let version = Math.floor((await stat(real)).mtimeMs);
    // Two writes within one millisecond would share a version: bump the clock so each write is new.
    if (version <= before) {
      version = before + 1;
      const when = new Date(version);
      await utimes(real, when, when);
    }
    return { version };
  }

  async readLayout(path: string): Promise<SquadLayout | null> {
    const file = await this.layoutFile(path);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return null; // a hand-broken layout file is ignored: the automatic layout takes over
    }
    const parsed = SquadLayoutSchema.safeParse(json);
    return parsed.success ? parsed.data : null;
  }

  async writeLayout(path: string, layout: SquadLayout): Promise<void> {
    const file = await this.layoutFile(path);
    await makeDirectory(dirname(file));
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(layout, null, 2)}\n`, 'utf8');
    await rename(temp, file);
  }

  /**
   * `.squad/layout/<path>.json`, for a squad file that exists inside the workspace: named after the
   * file's real path inside the workspace (never the raw request path), and itself contained under
   * `.squad/layout/` on its real path (a linked `.squad` or `layout` folder leading out is refused).
   */
  private async layoutFile(path: string): Promise<string> {
    const squad = await this.contained(path, SQUAD_SUFFIXES, true);
    return (await this.contained(`${LAYOUT_DIR}/${squad.relative}.json`, ['.json'], false, LAYOUT_DIR)).real;
  }

  private async existing(path: string): Promise<string> {
    return (await this.contained(path, SQUAD_SUFFIXES, true)).real;
  }

  /** The containment helper's refusals as HTTP errors: 400, 403 (outside, whether or not it exists), 404. */
  private async contained(path: string, suffixes: readonly string[], mustExist: boolean, under?: string): Promise<ContainedPath> {
    try {
      return await containedPath(this.workspace, path, { suffixes, mustExist, ...(under ? { under } : {}) });
    } catch (error) {
      if (!(error instanceof ContainmentError)) throw error;
      switch (error.failure) {
        case 'outside':
          throw new HttpError(403, `"${path}" is outside the server's workspace`, 'path');
        case 'missing':
          throw new HttpError(404, `no squad file "${path}" in the workspace`, 'path');
        default:
          throw new HttpError(400, `"${path}" is not a squad file (*.squad.yaml)`, 'path');
      }
    }
  }
}
