import { randomInt } from 'node:crypto';
import { relative, resolve } from 'node:path';
import { UnknownProfileError } from '../engine/runProfile';
import { runLocal } from '../runner/runLocal';
import { ToolServerStartError } from '../mcp/toolServerStartError';
import { endsUnfinished } from '../store/endsUnfinished';
import { FileJournalStore } from '../store/fileJournalStore';
import { agentTable, ms, usd } from './agentTable';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { paintFor } from './paint';
import { ProgressLine } from './progressLine';
import { runSummary, type RunSummary } from './runSummary';
import { toolTable } from './toolTable';
import { loadSquadToRun } from './loadSquadToRun';

export interface RunArgs {
  file: string;
  profile: string;
  seed: number | undefined;
  tenant: string;
  journal: string | undefined;
  workspace: string;
  json: boolean;
  /** Trust the file without asking (see `confirmTrust`). */
  yes: boolean;
}

const TENANT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export async function runCommand(args: RunArgs, io: CliIo): Promise<number> {
  if (!TENANT.test(args.tenant)) throw new UsageError(`--tenant "${args.tenant}": use letters, digits, ".", "-", "_" (64 at most)`);
  const loaded = await loadSquadToRun(args, io);
  if (!loaded.ok) return loaded.exitCode;
  const { shownPath } = loaded;
  const seed = args.seed ?? randomInt(0, 2 ** 31);
  const paint = paintFor(io.stdout, io.env);
  const progress = !args.json && io.stderr.isTTY ? new ProgressLine(io.stderr) : null;
  const started = performance.now();
  let result;
  try {
    result = await runLocal({
      squad: loaded.squad,
      text: loaded.text,
      path: shownPath,
      profile: args.profile,
      seed,
      tenant: args.tenant,
      workspace: resolve(io.cwd, args.workspace),
      ...(args.journal !== undefined ? { journalPath: resolve(io.cwd, args.journal) } : {}),
      signal: io.signal,
      ...(progress ? { onEvent: (e) => progress.onEvent(e) } : {}),
    });
  } catch (error) {
    if (error instanceof UnknownProfileError) throw new UsageError(error.message);
    if (error instanceof ToolServerStartError) {
      // The squad's tools are not there: nothing ran, and no stack trace would say more than this.
      io.stderr.write(
        `${error.message
          .split('\n')
          .map((line) => `squad: ${line}`)
          .join('\n')}\n`,
      );
      return ExitCode.failed;
    }
    throw error;
  } finally {
    progress?.clear();
  }
  const summary = runSummary(result.outcome, {
    journal: relative(io.cwd, result.journalPath) || result.journalPath,
    profile: args.profile,
    seed,
    tenant: args.tenant,
    wallMs: performance.now() - started,
  });
  io.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : report(summary, loaded.squad.name, args.file, paint, io.program));
  if (!args.json) await hintInterrupted(resolve(io.cwd, args.workspace), io, paint);
  return ExitCode[summary.status];
}

/**
 * Runs of this workspace that an earlier `squad run` or server left unfinished (killed, or shut down
 * mid-run) are named after the report, with the command that continues them: nothing is resumed
 * behind the user's back, and nothing interrupted goes unnoticed.
 */
async function hintInterrupted(workspace: string, io: CliIo, paint: ReturnType<typeof paintFor>): Promise<void> {
  const files = await FileJournalStore.forWorkspace(workspace)
    .list()
    .catch(() => []);
  const interrupted: string[] = [];
  for (const f of files) if (await endsUnfinished(f.path)) interrupted.push(f.id);
  if (interrupted.length === 0) return;
  const program = io.program ?? 'squad';
  const shown = interrupted.slice(0, 3).map((id) => `${program} resume ${id}`);
  const more = interrupted.length > 3 ? ` (and ${interrupted.length - 3} more)` : '';
  io.stderr.write(`${paint.yellow(`${interrupted.length} interrupted run${interrupted.length === 1 ? '' : 's'} in this workspace`)}: ${shown.join(', ')}${more}, or ${program} serve --resume\n`);
}

/** The human report of a finished run: tables, guardrail trips, marks, verdict, journal. */
export function report(s: RunSummary, squad: string, file: string, paint: ReturnType<typeof paintFor>, program = 'squad'): string {
  const lines: string[] = [];
  lines.push(`${paint.bold(squad)} · profile ${s.profile} · seed ${s.seed} · tenant ${s.tenant} · run ${s.runId}`);
  lines.push(agentTable(s, paint));
  const tools = toolTable(s, paint);
  if (tools) lines.push(tools);
  if (s.unpricedAgents.length > 0) {
    lines.push(paint.yellow(`cost unknown for ${s.unpricedAgents.join(', ')}: their model is not in the pricing table (counted as $0)`));
  }
  if (s.guardrails.length === 0) lines.push(paint.dim('guardrails: none tripped'));
  for (const g of s.guardrails) {
    const tag = g.action === 'warn' ? paint.yellow(`⚠ ${g.kind}`) : paint.red(`✖ ${g.kind}`);
    lines.push(`${tag} [${g.action}]${g.agent ? ` ${g.agent}:` : ''} ${g.message}`);
    lines.push(paint.dim(`    evidence: ${JSON.stringify(g.evidence)}`));
  }
  for (const f of s.failovers) {
    lines.push(paint.yellow(`⇄ ${f.from} ${f.cause}: ${f.reason}; ${f.moved} message${f.moved === 1 ? '' : 's'} moved to ${f.to} (event ${f.seq})`));
  }
  const resilience = [
    s.cache.hits + s.cache.misses > 0 ? `context cache: ${s.cache.hits} hits, ${s.cache.misses} misses, ${s.cache.tokensSaved} tokens saved` : '',
    s.retries > 0 ? `${s.retries} model retries` : '',
    s.throttledMs > 0 ? `${ms(s.throttledMs)} queued behind rate limits` : '',
    s.compactions > 0 ? `${s.compactions} context compactions` : '',
  ].filter(Boolean);
  if (resilience.length > 0) lines.push(paint.dim(resilience.join(' · ')));
  for (const l of s.journalLimits) lines.push(paint.yellow(`⚠ ${journalLimitMessage(l)}`));
  for (const m of s.marks) {
    lines.push(paint.yellow(`⚠ the result is ${m.kind}: ${m.agent}: ${m.reason} (event ${m.seq})`));
  }
  const tainted = s.marked.filter((m) => m.kind === 'result' || m.kind === 'handoff' || m.kind === 'answer');
  if (tainted.length > 0) {
    const list = tainted.map((m) => `${m.from ?? 'task'}→${m.to} ${m.kind} ${m.messageId} (${[...new Set(m.marks.map((k) => k.kind))].join(', ')})`);
    lines.push(paint.dim(`  built on it: ${list.join('; ')}`));
  }
  const timing = `${ms(s.virtualMs)} virtual, ${ms(s.wallMs)} wall`;
  const verdict =
    s.status === 'completed'
      ? paint.green(`✔ completed`)
      : s.status === 'halted'
        ? paint.red(`✖ halted by a guardrail`)
        : s.status === 'cancelled'
          ? paint.yellow('■ cancelled')
          : paint.red('✖ failed');
  lines.push(`${verdict} in ${timing} · ${s.events} events · ${usd(s.usage.costUsd)}`);
  if (s.reason) lines.push(`  reason: ${s.reason}`);
  if (s.result) lines.push(`  result: ${s.result.trim().split('\n').join('\n          ')}`);
  lines.push(`journal: ${s.journal}`);
  lines.push(paint.dim(`rerun: ${program} run ${file} --profile ${s.profile} --seed ${s.seed}${s.tenant === 'default' ? '' : ` --tenant ${s.tenant}`}`));
  return `${lines.join('\n')}\n`;
}

/** How a reached journal limit reads in a summary (the CLI's and the server's run info alike). */
export function journalLimitMessage(l: RunSummary['journalLimits'][number]): string {
  const size = `${l.events} events, ${(l.bytes / (1024 * 1024)).toFixed(1)} MiB`;
  const what = l.limit === 'events' ? `${l.threshold} events` : `${(l.threshold / (1024 * 1024)).toFixed(0)} MiB`;
  return `journal limit: the journal reached ${what} at event ${l.seq - 1} (${size}); the run went on, but a journal this large is slow to replay, stream and diff`;
}
