import { open, type FileHandle } from 'node:fs/promises';
import { errnoCode } from './journalError';

/**
 * Makes the new file's directory entry durable, so a crash right after creating a journal cannot
 * lose the file itself. Windows cannot open a directory for fsync (and NTFS journals the entry);
 * some file systems refuse a directory fsync: both are fine to skip. An I/O error is not.
 */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: FileHandle;
  try {
    handle = await open(dir, 'r');
  } catch (error) {
    if (isUnsupported(error)) return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    if (!isUnsupported(error)) throw error;
  } finally {
    await handle.close();
  }
}

function isUnsupported(error: unknown): boolean {
  const code = errnoCode(error);
  return code === 'EINVAL' || code === 'ENOTSUP' || code === 'EISDIR' || code === 'EPERM' || code === 'EACCES' || code === 'EBADF';
}
