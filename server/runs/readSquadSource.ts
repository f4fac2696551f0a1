import { readFile, realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { errnoCode } from '../store/journalError';
import { RunError } from './runError';

export interface SquadSource {
  text: string;
  /** How the run names the file: relative to the workspace, or the inline name. */
  path: string;
  /** The request field the text came from, for errors about it. */
  field: 'file' | 'source';
}

const SQUAD_FILE = /\.squad\.ya?ml$/;

/**
 * The squad file a request names: inline `source`, or `file`, a `*.squad.yaml` path inside the
 * workspace. The path comes from the wire, so it may not leave the workspace, not even through a
 * symbolic link (checked on the real path), and only squad files are read: the server must not be
 * a way to read arbitrary files, even for a holder of a tenant-scoped token.
 */
export async function readSquadSource(workspace: string, body: { file?: string | undefined; source?: string | undefined; path?: string | undefined }): Promise<SquadSource> {
  if (body.source !== undefined) return { text: body.source, path: body.path ?? 'inline.squad.yaml', field: 'source' };
  const file = body.file ?? '';
  if (!SQUAD_FILE.test(file)) throw new RunError('invalid', `"${file}" is not a squad file (*.squad.yaml or *.squad.yml)`, 'file');
  let root: string;
  let real: string;
  try {
    root = await realpath(workspace);
    real = await realpath(resolve(workspace, file));
  } catch (error) {
    const code = errnoCode(error);
    throw new RunError(code === 'ENOENT' ? 'not-found' : 'invalid', code === 'ENOENT' ? `no squad file "${file}" in the workspace` : `cannot read "${file}" (${code ?? 'error'})`, 'file');
  }
  const rel = relative(root, real);
  if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) {
    throw new RunError('forbidden', `"${file}" is outside the server's workspace`, 'file');
  }
  try {
    return { text: await readFile(real, 'utf8'), path: rel.split(sep).join('/'), field: 'file' };
  } catch (error) {
    throw new RunError('invalid', `cannot read "${file}" (${errnoCode(error) ?? 'error'})`, 'file');
  }
}
