import type { RunEvent } from '../../protocol/runEvent';
import type { SquadFile } from '../../protocol/squadFile';
import { VirtualClock } from '../engine/clock';
import type { JournalWriter } from '../engine/journalWriter';
import { seededRandom } from '../engine/randomSource';
import { resolveProfile } from '../engine/runProfile';
import { runSquad, type RunOutcome } from '../engine/runSquad';
import { FileJournalStore } from '../store/fileJournalStore';
import { FileJournalWriter } from '../store/fileJournalWriter';
import { createModelProvider } from './createModelProvider';
import { createToolHost } from './createToolHost';
import { runIdFor, sha256 } from './runId';

export interface LocalRunRequest {
  squad: SquadFile;
  /** The squad file as written and the path to show for it. */
  text: string;
  path: string;
  profile: string;
  seed: number;
  tenant: string;
  /** The workspace whose `.squad/runs/` keeps the journal, unless `journalPath` is given. */
  workspace: string;
  journalPath?: string;
  signal: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Called once the journal file exists, before the first event. */
  onJournal?: (path: string, runId: string) => void;
}

export interface LocalRunResult {
  outcome: RunOutcome;
  journalPath: string;
}

/**
 * Runs a squad on this machine: simulated models on the virtual clock, journal on disk. The one
 * place the CLI (and later the server) wires the engine's ports for a local run.
 */
export async function runLocal(request: LocalRunRequest): Promise<LocalRunResult> {
  const profile = resolveProfile(request.squad, request.profile);
  const hash = sha256(request.text);
  const runId = runIdFor({ squadName: request.squad.name, sha256: hash, profile: profile.name, seed: request.seed, tenant: request.tenant });
  const { path: journalPath, writer } = await openJournal(request, runId);
  request.onJournal?.(journalPath, runId);
  const random = seededRandom(request.seed);
  let tools: Awaited<ReturnType<typeof createToolHost>> | null = null;
  try {
    tools = await createToolHost(request.squad);
    const outcome = await runSquad({
      runId,
      squad: request.squad,
      source: { path: request.path, text: request.text, sha256: hash },
      profile,
      seed: request.seed,
      tenant: request.tenant,
      ports: {
        model: createModelProvider(request.squad, profile, random),
        tools,
        journal: writer,
        clock: new VirtualClock(),
        random,
      },
      signal: request.signal,
      ...(request.onEvent ? { onEvent: request.onEvent } : {}),
    });
    return { outcome, journalPath };
  } finally {
    await tools?.close();
    await writer.close();
  }
}

async function openJournal(request: LocalRunRequest, runId: string): Promise<{ path: string; writer: JournalWriter }> {
  if (request.journalPath !== undefined) {
    return { path: request.journalPath, writer: await FileJournalWriter.create(request.journalPath) };
  }
  return FileJournalStore.forWorkspace(request.workspace).createWriter(runId);
}
