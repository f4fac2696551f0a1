import type { MessagePort } from 'node:worker_threads';
import { messageOf } from '../../protocol/messageOf';
import { parseSquadFile } from '../../protocol/parseSquadFile';
import { ToThreadMessageSchema, type FromThreadMessage, type ThreadRunStart } from '../../protocol/runThreadMessage';
import { MeteredJournalWriter } from '../http/metricsJournalWriter';
import { LocalRun } from '../runner/localRun';
import { FileJournalWriter } from '../store/fileJournalWriter';
import type { RunEnvironment } from '../trust/runPolicy';
import { EventBatch } from './eventBatch';
import { PauseControl } from './pauseControl';
import { rateLimitedModel } from './rateLimitedModel';
import { RemoteLimiter } from './remoteLimiter';
import { ResumedRun } from './resumedRun';

/**
 * One run on a run thread, driven from its `MessagePort` (the other end is the HTTP thread's
 * `ThreadedRun`): opens the run (a new one on the journal the HTTP thread claimed, or a resumed one
 * from its journal), executes the engine with the thread's own `PauseControl`, sends its events in
 * batches and reports where it is held, and flushes and closes the journal when asked.
 *
 * Every failure of the run is answered as `failed` on the port; nothing of one run can throw out of
 * here, so a thread's other runs go on.
 */
export function threadRun(start: ThreadRunStart, port: MessagePort): void {
  const abort = new AbortController();
  const batch = new EventBatch(port);
  const post = (m: FromThreadMessage): void => port.postMessage(m);
  let applied = 0;
  const control = new PauseControl(abort.signal, {
    paused: start.paused,
    onHeld: (at) => {
      batch.flush(); // the events up to the checkpoint come first
      post({ kind: 'held', at, n: applied });
    },
  });
  const limiter = start.rateLimited ? new RemoteLimiter(port) : null;
  let run: LocalRun | ResumedRun | null = null;
  let closed = false;

  port.on('message', (raw: unknown) => {
    const parsed = ToThreadMessageSchema.safeParse(raw);
    if (!parsed.success) return; // the HTTP thread is this process's own code: nothing malformed comes
    const m = parsed.data;
    switch (m.kind) {
      case 'control':
        applied = m.n;
        if (m.command === 'hold') control.hold();
        else if (m.command === 'resume') control.resume();
        else control.step();
        return;
      case 'abort':
        abort.abort(new Error(m.reason));
        return;
      case 'admitted':
      case 'refused':
        limiter?.answer(m);
        return;
      case 'flush':
        batch.flush();
        void (run?.writer.flush() ?? Promise.resolve()).then(
          () => post({ kind: 'flushed', req: m.req, error: null }),
          (error: unknown) => post({ kind: 'flushed', req: m.req, error: messageOf(error) }),
        );
        return;
      case 'close':
        closed = true;
        void (run?.close() ?? Promise.resolve()).then(
          () => {
            batch.flush();
            post({ kind: 'closed', req: m.req, error: null });
            port.close();
          },
          (error: unknown) => {
            post({ kind: 'closed', req: m.req, error: messageOf(error) });
            port.close();
          },
        );
        return;
    }
  });

  void (async () => {
    try {
      run = await open(start);
      if (closed) {
        await run.close(); // closed before it opened: the shutdown of a run that never got going
        return;
      }
      const outcome = await run.execute({
        signal: abort.signal,
        control,
        onEvent: (e) => batch.add(e),
        wrapJournal: (inner) => new MeteredJournalWriter(inner, (seconds) => batch.addAppendSeconds(seconds)),
        ...(start.spec.kind === 'new' ? { budgetUsd: start.budgetUsd } : {}),
        ...(limiter ? { wrapModel: rateLimitedModel(limiter, start.startedAtMs, {}) } : {}),
      });
      batch.flush();
      post({ kind: 'ended', status: outcome.status, reason: outcome.reason });
    } catch (error) {
      batch.flush();
      post({ kind: 'failed', message: messageOf(error) });
    }
  })();
}

async function open(start: ThreadRunStart): Promise<LocalRun | ResumedRun> {
  const { spec } = start;
  const env = spec.env;
  const environment: RunEnvironment | undefined = env === undefined ? undefined : { env, secrets: (name) => env[name], ...(spec.toolDir === undefined ? {} : { toolDir: spec.toolDir }) };
  if (spec.kind === 'resume') {
    const resumed = await ResumedRun.open(spec.journalPath, environment ? () => environment : undefined);
    if (!resumed) throw new Error(`${spec.journalPath}: the run has ended already`);
    return resumed;
  }
  // The HTTP thread parsed it and the policy admitted it; parsed again here, off that thread.
  const parsed = parseSquadFile(spec.text, spec.path);
  if (!parsed.ok) throw new Error(`${spec.path}: the squad file no longer parses`);
  const writer = await FileJournalWriter.resume(spec.journalPath, 0);
  return LocalRun.open({
    squad: parsed.squad,
    text: spec.text,
    path: spec.path,
    profile: spec.profile,
    seed: spec.seed,
    tenant: spec.tenant,
    workspace: spec.workspace,
    journal: { id: spec.journalId, display: spec.journalPath, writer },
    ...(environment ? { env: environment.env, secrets: environment.secrets } : {}),
    ...(spec.toolDir === undefined ? {} : { toolDir: spec.toolDir }),
  });
}
