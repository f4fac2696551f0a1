import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseSquadFile, formatSquadErrors } from '../../protocol/parseSquadFile';
import type { RunEvent } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import type { Checkpoint } from '../../server/engine/runControl';
import { resolveProfile } from '../../server/engine/runProfile';
import { sha256Hex as sha256 } from '../../server/engine/sha256';
import { readJournalFile } from '../../server/store/readJournal';
import type { RunDriver, RunDriverHooks } from './runDriver';

/**
 * A saved run played back under the debugger: no model or tool is called, every event comes from
 * the journal. The engine holds a live run *before* each turn, model call, tool call and message;
 * here the same checkpoint is derived from the event that records it and taken before that event
 * is applied, so a replay stops where the live run stopped and shows the same state.
 */
export class ReplayRunDriver implements RunDriver {
  readonly replay = true;

  private constructor(
    readonly squad: SquadFile,
    readonly source: { path: string; text: string; onDisk: boolean },
    readonly budgetUsd: number,
    private readonly events: readonly RunEvent[],
    private readonly journal: string,
  ) {}

  static async open(journalPath: string, cwd: string): Promise<ReplayRunDriver> {
    const path = resolve(cwd, journalPath);
    const { events } = await readJournalFile(path);
    const started = events[0];
    if (started?.type !== 'run.started') throw new Error(`${path}: not a run journal (it does not begin with run.started)`);
    const parsed = parseSquadFile(started.squad.source, started.squad.path);
    if (!parsed.ok) throw new Error(`the squad file saved in the journal no longer parses:\n${formatSquadErrors(parsed)}`);
    const budget = resolveProfile(parsed.squad, started.profile).guardrails.budgetUsd;
    // Breakpoints are set on files: point at the file on disk when it is the one the run used.
    const onDiskPath = resolve(cwd, started.squad.path);
    const onDisk = await readFile(onDiskPath, 'utf8').then(
      (text) => sha256(text) === started.squad.sha256,
      () => false,
    );
    return new ReplayRunDriver(parsed.squad, { path: onDisk ? onDiskPath : started.squad.path, text: started.squad.source, onDisk }, budget, events, path);
  }

  async play(hooks: RunDriverHooks): Promise<{ status: string; reason: string | null; journal: string | null }> {
    const turns = new Map<string, number>();
    for (const event of this.events) {
      hooks.signal.throwIfAborted();
      const point = checkpointBefore(event, turns);
      if (point) await hooks.checkpoint(point);
      if (event.type === 'agent.turn.started' && event.agent) turns.set(event.agent, event.turn);
      hooks.onEvent(event);
      if (event.type === 'guardrail.tripped' && event.action === 'pause') await hooks.guardrailPause(event.agent);
    }
    const end = this.events.at(-1);
    return end?.type === 'run.completed'
      ? { status: end.status, reason: end.reason, journal: this.journal }
      : { status: 'interrupted', reason: 'the journal ends before the run did', journal: this.journal };
  }
}

/** The engine checkpoint that preceded the event recording it, if any. */
function checkpointBefore(e: RunEvent, turns: ReadonlyMap<string, number>): Checkpoint | null {
  if (e.agent === null) return null;
  const turn = turns.get(e.agent) ?? 0;
  switch (e.type) {
    case 'agent.turn.started':
      return { kind: 'turn', agent: e.agent, turn: e.turn };
    case 'model.request':
      return { kind: 'model', agent: e.agent, turn, call: 0 };
    case 'tool.call':
      return { kind: 'tool', agent: e.agent, turn, tool: e.tool, callId: e.callId };
    case 'message.sent':
      if (e.from === null || e.kind === 'task') return null;
      return { kind: 'message', agent: e.from, turn, to: e.to, messageKind: e.kind };
    default:
      return null;
  }
}
