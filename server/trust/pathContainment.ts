import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { errnoCode } from '../store/journalError';

/** Why a path was refused: each maps to one answer (400, 403, 404) at every boundary alike. */
export type ContainmentFailure = 'invalid' | 'suffix' | 'outside' | 'missing';

export class ContainmentError extends Error {
  constructor(
    readonly failure: ContainmentFailure,
    message: string,
  ) {
    super(message);
    this.name = 'ContainmentError';
  }
}

export interface ContainmentOptions {
  /** The endings a path may have (on the path asked for and on its real path), e.g. `.squad.yaml`. */
  suffixes: readonly string[];
  /** True (default): the file must exist. False: for a file about to be written (its parents may not exist yet). */
  mustExist?: boolean;
  /** The path must lie under this folder of the root (e.g. `.squad/layout`), after resolution. */
  under?: string;
}

export interface ContainedPath {
  /** The resolved path: the real path (links followed) of the file, or of its nearest existing folder joined with the rest. */
  real: string;
  /** Relative to the real root, with forward slashes. */
  relative: string;
}

/** The squad file endings. */
export const SQUAD_SUFFIXES = ['.squad.yaml', '.squad.yml'] as const;

/**
 * The one path-containment check: every file a request, a webview message or a launch names goes
 * through it. A path is taken relative to `root` and must stay inside it on its real path (symbolic
 * links followed), end in one of the allowed suffixes, and (by default) exist.
 *
 * A path outside the root is refused before the file system is asked about it, so "outside" is the
 * answer for a missing and for an existing file alike: the refusal is no oracle of what exists
 * beyond the workspace. Only a path inside it can be "missing".
 */
export async function containedPath(root: string, path: string, options: ContainmentOptions): Promise<ContainedPath> {
  if (path === '' || path.includes('\0')) throw new ContainmentError('invalid', 'the path is empty or holds a NUL character');
  const wanted = options.suffixes;
  if (!wanted.some((s) => path.endsWith(s))) throw new ContainmentError('suffix', `"${path}" is not one of the files this accepts (${wanted.join(', ')})`);
  let rootReal: string;
  try {
    rootReal = await realpath(root);
  } catch (error) {
    throw new ContainmentError('missing', `the workspace ${root} is not there (${errnoCode(error) ?? 'error'})`);
  }
  const outside = () => new ContainmentError('outside', `"${path}" is outside the workspace`);
  const lexical = resolve(rootReal, path);
  if (!inside(rootReal, lexical)) throw outside();
  // A lexical path through a symbolic link of the workspace's own path (root given as a link) is fine.
  let real: string;
  if (options.mustExist ?? true) {
    try {
      real = await realpath(lexical);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENOTDIR') throw new ContainmentError('missing', `no file "${path}" in the workspace`);
      throw error;
    }
  } else {
    real = await realOfNew(lexical);
  }
  if (!inside(rootReal, real)) throw outside();
  if (!wanted.some((s) => real.endsWith(s))) throw new ContainmentError('suffix', `"${path}" leads to a file that is not one of ${wanted.join(', ')}`);
  const rel = relative(rootReal, real).split(sep).join('/');
  if (options.under !== undefined) {
    const base = options.under.replace(/\/+$/, '');
    if (!rel.startsWith(`${base}/`)) throw outside();
  }
  return { real, relative: rel };
}

/** True when `path` is `root` itself or below it (both absolute and normalized). */
export function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path a file not yet written will have: the nearest existing ancestor's real path, joined
 * with the parts that do not exist yet. An existing file (or a link) at the path is followed.
 */
async function realOfNew(path: string): Promise<string> {
  const rest: string[] = [];
  let at = path;
  for (;;) {
    try {
      const real = await realpath(at);
      return rest.length === 0 ? real : join(real, ...rest.reverse());
    } catch (error) {
      const code = errnoCode(error);
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // A dangling link would be followed by a write to wherever it points: never "new".
      const link = await lstat(at).then(
        (s) => s.isSymbolicLink(),
        () => false,
      );
      if (link) throw new ContainmentError('outside', `"${at}" is a symbolic link to a file that does not exist`);
      const parent = dirname(at);
      if (parent === at) throw error;
      rest.push(at.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
      at = parent;
    }
  }
}
