/** True while a process with this id exists (signal 0 checks without sending anything). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

/** Waits (at most `ms`) for every process to be gone; returns those still alive. */
export async function survivors(pids: readonly number[], ms = 3000): Promise<number[]> {
  const until = Date.now() + ms;
  let alive = pids.filter(processAlive);
  // Bounded by `ms`: exit is asynchronous after SIGKILL, a poll every 20 ms sees it.
  while (alive.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 20));
    alive = alive.filter(processAlive);
  }
  return alive;
}
