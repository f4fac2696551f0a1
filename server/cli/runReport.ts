import { agentTable } from './agentTable';
import { ms, usd } from './formatUnits';
import type { paintFor } from './paint';
import type { RunSummary } from './runSummary';
import { toolTable } from './toolTable';

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
