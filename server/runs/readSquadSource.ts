import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { containedPath, ContainmentError, SQUAD_SUFFIXES } from '../trust/pathContainment';
import { errnoCode } from '../store/journalError';
import { RunError } from './runError';

export interface SquadSource {
  text: string;
  /** How the run names the file: relative to the workspace, or the inline name. */
  path: string;
  /** The request field the text came from, for errors about it. */
  field: 'file' | 'source';
  /** The folder inside the workspace its tool servers start in. */
  dir: string;
}

/**
 * The squad file a request names: inline `source`, or `file`, a `*.squad.yaml` path inside the
 * workspace (checked by the one containment helper, on the real path). An inline file's `path` says
 * where it stands in the workspace (its tool servers start beside it): it too must be a squad file
 * path inside the workspace, though it need not exist.
 */
export async function readSquadSource(workspace: string, body: { file?: string | undefined; source?: string | undefined; path?: string | undefined }): Promise<SquadSource> {
  if (body.source !== undefined) {
    const path = body.path ?? 'inline.squad.yaml';
    const at = await contained(workspace, path, 'path', false);
    return { text: body.source, path: at.relative, field: 'source', dir: resolve(at.real, '..') };
  }
  const file = body.file ?? '';
  const at = await contained(workspace, file, 'file', true);
  try {
    return { text: await readFile(at.real, 'utf8'), path: at.relative, field: 'file', dir: resolve(at.real, '..') };
  } catch (error) {
    throw new RunError('invalid', `cannot read "${file}" (${errnoCode(error) ?? 'error'})`, 'file');
  }
}

/** The containment helper's refusals as the run manager's errors (400, 403, 404). */
export async function contained(workspace: string, path: string, field: string, mustExist: boolean): Promise<{ real: string; relative: string }> {
  try {
    return await containedPath(workspace, path, { suffixes: SQUAD_SUFFIXES, mustExist });
  } catch (error) {
    if (!(error instanceof ContainmentError)) throw error;
    const kind = { invalid: 'invalid', suffix: 'invalid', outside: 'forbidden', missing: 'not-found' } as const;
    const message = {
      invalid: `"${path}" is not a squad file path`,
      suffix: `"${path}" is not a squad file (*.squad.yaml or *.squad.yml)`,
      outside: `"${path}" is outside the server's workspace`,
      missing: `no squad file "${path}" in the workspace`,
    }[error.failure];
    throw new RunError(kind[error.failure], message, field);
  }
}
