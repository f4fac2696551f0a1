import { messageOf } from '../../protocol/messageOf';
import { UsageError } from './cliIo';

/**
 * A `--store` that could not be opened (not a postgres:// URL, no database answering, a refused
 * login): a usage error naming the URL with its password masked, never a stack trace. `serve`,
 * `worker` and `export` word it alike.
 */
export function storeOpenError(url: string, error: unknown): UsageError {
  return new UsageError(`--store: cannot open ${url.replace(/:[^:@/]*@/, ':***@')}: ${messageOf(error)}`);
}
