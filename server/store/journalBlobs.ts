import { randomBytes } from 'node:crypto';
import { open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { JOURNAL_LIMITS } from '../../protocol/journalLimits';
import { describeError, errnoCode, JournalError } from './journalError';
import { sha256Hex } from '../engine/sha256';
import { makeDirectory } from './makeDirectory';

/**
 * Large payloads by reference. A string anywhere in an event whose UTF-8 size is larger than
 * JOURNAL_LIMITS.payloadBytes (256 KiB) is stored in a content-addressed side file
 * `<journal's dir>/blobs/sha256-<hex>` (its bytes as they are, so a user can open it), and the
 * journal line holds a reference in its place:
 *
 *   {"runId":…,"type":"tool.result",…,"content":{"$blob":"sha256-…","bytes":300000},…,"$blobs":[["content"]]}
 *
 * `$blobs` (last key) lists the paths of the references, so a reader resolves exactly those and a
 * tool argument that happens to look like a reference is never mistaken for one. Resolving puts each
 * string back where it was and drops `$blobs`: the event is the one the engine journaled, key order
 * included. A blob is written and fsynced (to a temporary name, then renamed, then its directory
 * fsynced) before the line that references it is written, so a crash leaves at worst an unreferenced
 * blob, never a reference without its blob; identical payloads share one file.
 */

/** `{"$blob": "sha256-<hex>", "bytes": n}`: where a payload went. */
export interface BlobRef {
  $blob: string;
  bytes: number;
}

/** A payload to store before the line that references it. */
export interface PendingBlob {
  ref: string;
  data: Buffer;
}

type Path = (string | number)[];

const REF = /^sha256-[0-9a-f]{64}$/;

/** Where a journal's blobs live: `blobs/` beside it (so `.squad/runs/blobs/` for the workspace's runs). */
export function blobDirOf(journalPath: string): string {
  return join(dirname(journalPath), 'blobs');
}

/**
 * The line to store for `event`, whose full JSONL line is `lineBytes` long: the same line when no
 * payload is over the limit, else the line with references and the blobs to write first.
 */
export function externalizePayloads(event: object, line: string, lineBytes: number, limit: number = JOURNAL_LIMITS.payloadBytes): { line: string; blobs: PendingBlob[] } {
  // No string can be larger than the line that holds it: most lines are not even looked at.
  if (lineBytes <= limit) return { line, blobs: [] };
  const blobs = new Map<string, PendingBlob>();
  const paths: Path[] = [];
  const visit = (value: unknown, path: Path): unknown => {
    if (typeof value === 'string') {
      if (value.length * 3 <= limit) return value; // UTF-8 takes at most 3 bytes per UTF-16 unit
      const data = Buffer.from(value, 'utf8');
      if (data.length <= limit) return value;
      const ref = `sha256-${sha256Hex(data)}`;
      blobs.set(ref, { ref, data });
      paths.push(path);
      const stored: BlobRef = { $blob: ref, bytes: data.length };
      return stored;
    }
    if (Array.isArray(value)) return value.map((v, i) => visit(v, [...path, i]));
    if (typeof value === 'object' && value !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = visit(v, [...path, k]);
      return out;
    }
    return value;
  };
  const stored = visit(event, []) as Record<string, unknown>;
  if (paths.length === 0) return { line, blobs: [] };
  stored.$blobs = paths;
  return { line: JSON.stringify(stored) + '\n', blobs: [...blobs.values()] };
}

/** True for a parsed line that holds references (only those are resolved). */
export function hasBlobRefs(value: unknown): value is Record<string, unknown> & { $blobs: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && '$blobs' in value;
}

/**
 * Puts every referenced payload of a parsed line back in place (mutating `value`) and drops `$blobs`.
 * A missing, unreadable or corrupt blob, or a malformed reference, is a `JournalError` naming the
 * journal line, the field and the blob file: a crash cannot cause one (blobs are durable before
 * their line is written), so it means a blob was deleted, damaged, or not copied with the journal.
 */
export async function resolvePayloads(value: Record<string, unknown> & { $blobs: unknown }, journalPath: string, line: number): Promise<void> {
  const paths = value.$blobs;
  const bad = (reason: string): JournalError => JournalError.at(journalPath, line, reason);
  if (!Array.isArray(paths) || !paths.every((p) => Array.isArray(p) && p.length > 0 && p.every((k) => typeof k === 'string' || typeof k === 'number'))) {
    throw bad('"$blobs" must list the paths of blob references');
  }
  const dir = blobDirOf(journalPath);
  for (const path of paths as Path[]) {
    const field = path.join('.');
    let holder: unknown = value;
    for (const key of path.slice(0, -1)) holder = isContainer(holder) ? (holder as Record<string | number, unknown>)[key] : undefined;
    const last = path[path.length - 1]!;
    const ref = isContainer(holder) ? (holder as Record<string | number, unknown>)[last] : undefined;
    if (!isBlobRef(ref)) throw bad(`"$blobs" names ${field}, which is not a blob reference ({"$blob":"sha256-<hex>","bytes":n})`);
    const file = join(dir, ref.$blob);
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch (error) {
      const why = errnoCode(error) === 'ENOENT' ? 'which is missing' : `which cannot be read: ${describeError(error)}`;
      throw new JournalError(`${journalPath}:${line}: the payload of ${field} is stored in ${file}, ${why}`, { path: journalPath, line, cause: error });
    }
    const hex = sha256Hex(data);
    if (data.length !== ref.bytes || `sha256-${hex}` !== ref.$blob) {
      throw bad(`the payload of ${field} is stored in ${file}, which is corrupt (${data.length} bytes with sha256 ${hex}; the reference wants ${ref.bytes} bytes)`);
    }
    (holder as Record<string | number, unknown>)[last] = data.toString('utf8');
  }
  delete value.$blobs;
}

/**
 * Makes `blobs` durable in `dir` before the lines that reference them are written: each to a
 * temporary name, fsynced, renamed into place, and the directory fsynced once. A blob already in
 * place (same name and size: the name is its hash) is not written again.
 */
export async function writeBlobs(dir: string, blobs: readonly PendingBlob[], syncDirectory: (dir: string) => Promise<void>): Promise<void> {
  if (blobs.length === 0) return;
  await makeDirectory(dir);
  let wrote = false;
  for (const blob of blobs) {
    const final = join(dir, blob.ref);
    const existing = await stat(final).catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return null;
      throw error;
    });
    if (existing && existing.size === blob.data.length) continue;
    const temporary = `${final}.${randomBytes(6).toString('hex')}.tmp`;
    const handle = await open(temporary, 'w');
    try {
      let offset = 0;
      while (offset < blob.data.length) offset += (await handle.write(blob.data, offset, blob.data.length - offset)).bytesWritten;
      await handle.sync();
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
    await handle.close();
    await rename(temporary, final);
    wrote = true;
  }
  if (wrote) {
    await syncDirectory(dir);
    await syncDirectory(dirname(dir)); // the blobs directory's own entry, which may be new
  }
}

function isContainer(value: unknown): boolean {
  return typeof value === 'object' && value !== null;
}

function isBlobRef(value: unknown): value is BlobRef {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const r = value as Record<string, unknown>;
  return typeof r.$blob === 'string' && REF.test(r.$blob) && typeof r.bytes === 'number' && Number.isInteger(r.bytes) && r.bytes >= 0;
}
