import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { openPgStores } from '../store/pg/pgStores';
import { isPostgresUrl } from '../store/pg/pgStores';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { storeOpenError } from './storeOpenError';

export interface ExportArgs {
  run: string;
  store: string | undefined;
  out: string | undefined;
}

/**
 * `squad export RUN --store postgres://… [--out FILE]`: a run's journal from the database as the
 * JSONL a local run writes, byte for byte, so a production run opens in `squad replay`, the
 * debugger and the web app like a local one. Without `--out`, to stdout.
 */
export async function exportCommand(args: ExportArgs, io: CliIo): Promise<number> {
  if (args.store === undefined || !isPostgresUrl(args.store)) throw new UsageError("export needs --store postgres://… (or SQUAD_STORE): a workspace's journals are JSONL files already");
  const store = args.store;
  const stores = await openPgStores(store).catch((error: unknown) => {
    throw storeOpenError(store, error);
  });
  try {
    const known = (await stores.db.query('SELECT 1 FROM squad_journals WHERE id = $1', [args.run])).rowCount === 1;
    if (!known) throw new UsageError(`no run "${args.run}" in ${stores.db.location}`);
    const out = args.out === undefined ? null : createWriteStream(resolve(io.cwd, args.out), { flags: 'wx' });
    let events = 0;
    for await (const line of stores.journals.exportLines(args.run)) {
      events += 1;
      if (out) {
        if (!out.write(line)) await new Promise<void>((r) => out.once('drain', () => r()));
      } else io.stdout.write(line);
    }
    if (out) {
      await new Promise<void>((done, fail) => out.end((error?: Error | null) => (error ? fail(error) : done())));
      io.stderr.write(`squad export: ${events} events of ${args.run} to ${args.out}\n`);
    }
    return ExitCode.completed;
  } finally {
    await stores.close();
  }
}
