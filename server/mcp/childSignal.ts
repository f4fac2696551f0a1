/**
 * A signal that aborts when any parent does, detached from its parents by `dispose()`.
 *
 * Why: the SDK adds an abort listener to the signal of every request and never removes it. Given
 * the run's long-lived signal directly, each tool call would leave a listener behind (a leak, and
 * Node's MaxListeners warning after ten calls). Each request gets a short-lived child instead.
 */
export function childSignal(...parents: AbortSignal[]): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onAbort = (event: Event): void => {
    const source = event.target instanceof AbortSignal ? event.target : parents[0];
    controller.abort(source?.reason);
  };
  for (const parent of parents) {
    if (parent.aborted) {
      controller.abort(parent.reason);
      break;
    }
    parent.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: controller.signal,
    dispose: () => {
      for (const parent of parents) parent.removeEventListener('abort', onAbort);
    },
  };
}

/** Runs `work` with a child of `parents`, disposed when it settles. */
export async function withChildSignal<T>(parents: AbortSignal[], work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const child = childSignal(...parents);
  try {
    return await work(child.signal);
  } finally {
    child.dispose();
  }
}
