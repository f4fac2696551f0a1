import { parentPort } from 'node:worker_threads';
import { executeJob } from './executeJob';
import { GateJobSchema } from './gateJobs';
import { ParsedSquads } from './parsedSquads';

/**
 * Entry of `dist/gateWorker.js`: a worker thread of `squad test` and `squad forecast`. It runs the
 * jobs it is sent one at a time and posts each result; `{ kind: 'stop' }` or the parent's exit ends it.
 */
const port = parentPort;
if (!port) throw new Error('gateWorker.js runs as a worker thread of squad test / squad forecast');
const squads = new ParsedSquads();
// One controller per job: a run leaves listeners on its signal, and a worker runs a thousand of them.
const running = new Set<AbortController>();
port.on('message', (message: unknown) => {
  if (typeof message === 'object' && message !== null && 'kind' in message && message.kind === 'stop') {
    for (const c of running) c.abort(new Error('stopped'));
    port.close();
    return;
  }
  const job = GateJobSchema.safeParse(message);
  if (!job.success) {
    port.postMessage({ kind: 'error', id: -1, message: `bad job: ${job.error.message}` });
    return;
  }
  const controller = new AbortController();
  running.add(controller);
  void executeJob(job.data, squads, controller.signal).then((result) => {
    running.delete(controller);
    port.postMessage(result);
  });
});
