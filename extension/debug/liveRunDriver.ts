import { randomInt } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { formatSquadErrors } from '../../protocol/parseSquadFile';
import type { SquadFile } from '../../protocol/squadFile';
import { resolveProfile } from '../../server/engine/runProfile';
import { loadSquadFile } from '../../server/runner/loadSquadFile';
import { LocalRun } from '../../server/runner/localRun';
import type { RunDriver, RunDriverHooks } from './runDriver';
import type { SquadLaunchArguments } from './squadLaunchArguments';
import { MAX_RUN_SEED } from '../../protocol/runSeed';

/**
 * A live run of a squad file under the debugger: the same `LocalRun` wiring as `squad run` and the
 * server (simulated models on the virtual clock, journal under `.squad/runs/`), with the debugger
 * as the engine's `RunControl`. The saved journal is a normal run: the Runs view lists it.
 */
export class LiveRunDriver implements RunDriver {
  readonly replay = false;

  private constructor(
    readonly squad: SquadFile,
    readonly source: { path: string; text: string; onDisk: boolean },
    readonly budgetUsd: number,
    private readonly run: LocalRun,
  ) {}

  /** Loads and checks the file and claims the journal; throws an error naming every problem. */
  static async open(args: SquadLaunchArguments & { program: string }): Promise<LiveRunDriver> {
    const path = resolve(args.cwd ?? process.cwd(), args.program);
    const loaded = await loadSquadFile(path);
    if (!loaded.ok) throw new Error(`the squad file has errors:\n${formatSquadErrors(loaded)}`);
    const workspace = args.cwd ?? dirname(path);
    const run = await LocalRun.open({
      squad: loaded.squad,
      text: loaded.text,
      path,
      profile: args.profile,
      seed: args.seed ?? randomInt(0, MAX_RUN_SEED),
      tenant: args.tenant,
      workspace,
    });
    const budget = resolveProfile(loaded.squad, args.profile).guardrails.budgetUsd;
    return new LiveRunDriver(loaded.squad, { path, text: loaded.text, onDisk: true }, budget, run);
  }

  get seed(): number {
    return this.run.seed;
  }

  async play(hooks: RunDriverHooks): Promise<{ status: string; reason: string | null; journal: string | null }> {
    try {
      const outcome = await this.run.execute({
        signal: hooks.signal,
        onEvent: (e) => hooks.onEvent(e),
        control: {
          checkpoint: (point) => hooks.checkpoint(point),
          pause: (trip) => hooks.guardrailPause(trip.agent),
        },
      });
      return { status: outcome.status, reason: outcome.reason, journal: this.run.journalPath };
    } finally {
      await this.run.close();
    }
  }
}
