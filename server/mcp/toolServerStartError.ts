/** One or more tool servers could not start: the run cannot offer its agents their tools. */
export class ToolServerStartError extends Error {
  constructor(readonly failures: readonly { server: string; reason: string }[]) {
    super(failures.map((f) => `tool server "${f.server}" did not start: ${f.reason}`).join('\n'));
    this.name = 'ToolServerStartError';
  }
}
