import { z } from 'zod';
import { CONTROL_COMMANDS, type ControlChannel, type ControlCommand } from '../controlChannel';
import type { PgDatabase } from './pgDatabase';

const Message = z.object({ run: z.string(), command: z.enum(CONTROL_COMMANDS as [ControlCommand, ...ControlCommand[]]) });

/**
 * Pause, resume, step and cancel over NOTIFY `squad_control`: every process hears every command and
 * the one running the run acts on it. Cheap (a command is a few bytes) and immediate; a command for
 * a run nobody holds is dropped, as the port allows.
 */
export class PgControlChannel implements ControlChannel {
  constructor(private readonly db: PgDatabase) {}

  async send(runId: string, command: ControlCommand): Promise<void> {
    await this.db.notify('squad_control', JSON.stringify({ run: runId, command }));
  }

  async subscribe(runId: string, handler: (command: ControlCommand) => void): Promise<() => void> {
    return this.db.on('squad_control', (payload) => {
      if (payload === null) return;
      let json: unknown;
      try {
        json = JSON.parse(payload);
      } catch {
        return;
      }
      const parsed = Message.safeParse(json);
      if (parsed.success && parsed.data.run === runId) handler(parsed.data.command);
    });
  }

  async close(): Promise<void> {}
}
