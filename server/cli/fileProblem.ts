import { errnoCode } from '../store/journalError';
import { messageOf } from '../../protocol/messageOf';

const PLAIN: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EEXIST: 'already exists',
};

/**
 * What went wrong with a file the user named, in plain words (`no such file or directory`, `is a
 * directory, not a file`) instead of Node's `ENOENT: no such file or directory, open '/abs/path'`,
 * which repeats the path the caller already shows. Anything else keeps its own message.
 */
export function fileProblem(error: unknown): string {
  const code = errnoCode(error);
  return (code !== undefined ? PLAIN[code] : undefined) ?? messageOf(error);
}
