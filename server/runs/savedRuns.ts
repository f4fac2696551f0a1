import type { RunDetail, RunInfo } from '../../protocol/api/runInfo';
import type { RunEvent } from '../../protocol/runEvent';
import { foldEvents } from '../engine/accounting';
import type { FileJournalStore, JournalFileInfo } from '../store/fileJournalStore';
import { JournalError } from '../store/journalError';
import { readJournalFile } from '../store/readJournal';
import { agentsOf } from './managedRun';
import { runInfoOf } from './runInfoOf';

/**
 * Runs saved in the workspace's journals by earlier sessions (or other tools): each summarised by a
 * fold of its journal, cached by file size and mtime so a list does not reread unchanged journals.
 */
export class SavedRuns {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; detail: RunDetail | null }>();

  /** `read` parses a journal; the run manager passes its JournalCache so a listed run opens without a second parse. */
  constructor(
    private readonly store: FileJournalStore,
    private readonly read: (path: string) => Promise<readonly RunEvent[]> = async (path) => (await readJournalFile(path)).events,
  ) {}

  /** Newest first, skipping `exclude` (this session's runs) and journals that are not runs. */
  async list(limit: number, exclude: (id: string) => boolean, keep: (info: RunInfo) => boolean): Promise<RunInfo[]> {
    const out: RunInfo[] = [];
    for (const file of await this.store.list()) {
      if (out.length >= limit) break;
      if (exclude(file.id)) continue;
      const detail = await this.summarise(file);
      if (detail && keep(detail)) out.push(stripDetail(detail));
    }
    return out;
  }

  async get(id: string): Promise<RunDetail | null> {
    let path: string;
    try {
      path = this.store.pathFor(id);
    } catch {
      return null; // not a plain file name: no such run
    }
    const file = (await this.store.list()).find((f) => f.path === path);
    return file ? this.summarise(file) : null;
  }

  pathOf(id: string): string {
    return this.store.pathFor(id);
  }

  private async summarise(file: JournalFileInfo): Promise<RunDetail | null> {
    const cached = this.cache.get(file.path);
    if (cached && cached.size === file.size && cached.mtimeMs === file.mtime.getTime()) return cached.detail;
    let detail: RunDetail | null = null;
    try {
      const events = await this.read(file.path);
      const first = events[0];
      if (first?.type === 'run.started') {
        const a = foldEvents(events);
        const info = runInfoOf(a, {
          id: file.id,
          runId: first.runId,
          tenant: first.tenant,
          squad: first.squad.name,
          file: first.squad.path,
          profile: first.profile,
          seed: first.seed,
          state: a.status === 'running' ? 'interrupted' : a.status,
          reason: a.status === 'running' ? 'the journal stops before run.completed (the server stopped during the run)' : a.reason,
          held: null,
          budgetUsd: null,
          rateLimit: { waits: 0, waitMs: 0, refusals: 0 },
          createdAt: null,
          startedAt: null,
          endedAt: file.mtime,
          queuedMs: null,
          live: false,
        });
        detail = { ...info, result: a.result, agents: agentsOf(a), journal: file.path };
      }
    } catch (error) {
      if (!(error instanceof JournalError)) throw error;
      detail = null; // corrupt or unreadable: not listed (the CLI's readers say why)
    }
    this.cache.set(file.path, { size: file.size, mtimeMs: file.mtime.getTime(), detail });
    return detail;
  }
}

function stripDetail(d: RunDetail): RunInfo {
  const { result: _result, agents: _agents, journal: _journal, ...info } = d;
  return info;
}
