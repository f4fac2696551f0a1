import { EventEmitter } from 'node:events';
import type { ControlChannel, ControlCommand } from '../controlChannel';

/** Control commands within one process (the embedded default). */
export class InProcessControlChannel implements ControlChannel {
  private readonly bus = new EventEmitter().setMaxListeners(0);

  async send(runId: string, command: ControlCommand): Promise<void> {
    this.bus.emit(runId, command);
  }

  async subscribe(runId: string, handler: (command: ControlCommand) => void): Promise<() => void> {
    this.bus.on(runId, handler);
    return () => this.bus.off(runId, handler);
  }

  async close(): Promise<void> {
    this.bus.removeAllListeners();
  }
}
