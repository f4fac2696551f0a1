import { setPriority } from 'node:os';
import { MessagePort, parentPort } from 'node:worker_threads';
import { ThreadRunStartSchema } from '../../protocol/runThreadMessage';
import { threadRun } from './threadRun';

/** Niceness of a run thread (Linux), above the HTTP thread's. */
const RUN_THREAD_NICENESS = 10;

/**
 * Entry of `dist/runThread.js`: a run thread of the embedded server (`RunThreadPool`). Each message
 * is one run to execute, with the `MessagePort` that carries everything about it (see `threadRun`);
 * the thread runs as many at once as it is given. It ends when the server terminates it.
 */
const port = parentPort;
if (!port) throw new Error('runThread.js runs as a worker thread of squad serve');
// On Linux a niceness is per thread (setpriority on "this process", id 0, sets the calling thread's):
// the runs yield the CPU to the HTTP thread when the cores are busy, so the API answers first. Not
// elsewhere: there id 0 is the whole process, the HTTP thread with it.
if (process.platform === 'linux') {
  try {
    setPriority(0, RUN_THREAD_NICENESS);
  } catch {
    // A container may forbid it; the runs then share the CPU evenly, which is only slower to answer.
  }
}
port.on('message', (message: unknown) => {
  const runPort = typeof message === 'object' && message !== null && 'port' in message ? message.port : null;
  const start = ThreadRunStartSchema.safeParse(message);
  if (!(runPort instanceof MessagePort)) throw new Error('a run came without its port');
  if (!start.success) {
    runPort.postMessage({ kind: 'failed', message: `a malformed run: ${start.error.message}` });
    runPort.close();
    return;
  }
  threadRun(start.data, runPort);
});
