import { messageOf } from '../../protocol/messageOf';
import type { ManagedRun } from './managedRun';

/**
 * One run's part of the embedded server's shutdown, after the run was told to hold (a started run)
 * or aborted (one still queued): waits up to `graceMs` for it to reach its checkpoint or end. Held,
 * its journal is flushed and closed without `run.completed` and it ends `interrupted` (resumable);
 * past the grace it is cancelled. Resolves true when it changed the run's state (the caller tells
 * the listeners), once `drive` (the run's driver) has nothing more to write.
 */
export async function stopForShutdown(run: ManagedRun, drive: Promise<void>, graceMs: number, now: () => Date, log: (line: string) => void): Promise<boolean> {
  if (run.startedAt === null) {
    await drive;
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
  const first = await Promise.race([run.control.whenHeld().then(() => 'held' as const), drive.then(() => 'ended' as const), timeout]);
  clearTimeout(timer);
  if (first === 'ended' || run.ended) return false;
  if (first === 'held') {
    const at = run.control.heldAt;
    await run.local.close().catch((error: unknown) => log(`run ${run.id}: journal close failed: ${messageOf(error)}`));
    run.end('interrupted', `the server shut down; the run was paused${at ? ` before ${at.kind} of ${at.agent}` : ''}`, now());
    return true;
  }
  run.abort.abort(new Error('the server shut down and the run did not reach a checkpoint in time'));
  await drive;
  return false;
}
