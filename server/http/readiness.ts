import { access, constants } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDirectory } from '../store/makeDirectory';

export interface ReadinessCheck {
  name: string;
  ok: boolean;
  detail: string;
}

export interface ReadinessReport {
  ok: boolean;
  checks: ReadinessCheck[];
}

/** Port: is this process ready for traffic (or, for a worker, to claim runs)? */
export interface Readiness {
  check(): Promise<ReadinessReport>;
}

/** One check: resolves with a detail when fine, throws (with the reason) when not. */
export type Probe = () => Promise<string>;

/**
 * Readiness from named probes plus the process's own state: a process that is draining (SIGTERM
 * received) is not ready, so the Service stops sending it requests while it finishes its runs.
 * Each probe is bounded by `timeoutMs`: a hung store is "not ready", never a hung probe.
 */
export class ProbeReadiness implements Readiness {
  private draining = false;

  constructor(
    private readonly probes: Record<string, Probe>,
    private readonly timeoutMs = 2000,
  ) {}

  /** From now on, not ready (shutdown has begun). */
  drain(): void {
    this.draining = true;
  }

  async check(): Promise<ReadinessReport> {
    const checks = await Promise.all(
      Object.entries(this.probes).map(async ([name, probe]): Promise<ReadinessCheck> => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        });
        try {
          return { name, ok: true, detail: await Promise.race([probe(), timeout]) };
        } catch (error) {
          return { name, ok: false, detail: error instanceof Error ? error.message : String(error) };
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    checks.push({ name: 'process', ok: !this.draining, detail: this.draining ? 'shutting down: finishing or releasing its runs' : 'serving' });
    return { ok: checks.every((c) => c.ok), checks };
  }
}

/** The embedded store: the workspace's `.squad/runs/` exists (created if need be) and is writable. */
export function workspaceJournalsProbe(workspace: string): Probe {
  return async () => {
    const dir = join(workspace, '.squad', 'runs');
    await makeDirectory(dir);
    await access(dir, constants.W_OK);
    return `journals in ${dir} (embedded store)`;
  };
}
