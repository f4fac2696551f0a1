import { readFile } from 'node:fs/promises';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { decodeSquadFileBytes } from '../../protocol/squadFileBytes';
import type { SquadDiagnostic } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';
import { errnoCode } from '../store/journalError';

export type LoadedSquad = { ok: true; path: string; text: string; squad: SquadFile; warnings: SquadDiagnostic[] } | { ok: false; path: string; errors: SquadDiagnostic[]; warnings: SquadDiagnostic[] };

/** Reads and parses a squad file; a file that cannot be read is reported like any other error. */
export async function loadSquadFile(path: string): Promise<LoadedSquad> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = errnoCode(error);
    const message = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a squad file' : `cannot read (${code ?? String(error)})`;
    const at: SquadDiagnostic = { file: path, line: 1, col: 1, endLine: 1, endCol: 1, message, severity: 'error', path: [] };
    return { ok: false, path, errors: [at], warnings: [] };
  }
  // Bytes that are not UTF-8 are refused where they are, not turned into U+FFFD in a prompt.
  const decoded = decodeSquadFileBytes(bytes, path);
  if (!decoded.ok) return { ok: false, path, errors: [decoded.error], warnings: [] };
  const text = decoded.text;
  const parsed = parseSquadFile(text, path);
  return parsed.ok ? { ok: true, path, text, squad: parsed.squad, warnings: parsed.warnings } : { ok: false, path, errors: parsed.errors, warnings: parsed.warnings };
}
