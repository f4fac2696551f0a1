import type { RunEvent } from '../../../protocol/runEvent';
import type { Guardrail, RunView, Trip } from './guardrail';

/**
 * Token explosion: an agent whose prompt keeps growing turn over turn faster than a set rate (knowledge
 * reloaded on every call), or summaries that cost more than a share of the run. The context cache that
 * prevents the reloading lives in the engine; this policy raises the alarm when it is not enough.
 */
export function tokenExplosion(): Guardrail {
  const prompts = new Map<string, { last: number; streak: number; history: number[] }>();
  let summaryCost = 0;
  let summaries = 0;
  let summaryTripped = false;
  return {
    name: 'token-explosion',
    watches: ['model.request', 'context.compacted'],
    afterEvent(e: RunEvent, view: RunView): Trip | null {
      const settings = view.profile.guardrails.tokenExplosion;
      if (e.type === 'model.request' && e.agent) {
        const p = prompts.get(e.agent) ?? { last: 0, streak: 0, history: [] };
        const tokens = e.inputTokensEstimate;
        const growing = p.last > 0 && tokens > p.last * settings.maxPromptGrowth;
        p.streak = growing ? p.streak + 1 : 0;
        p.last = tokens;
        p.history.push(tokens);
        if (p.history.length > settings.growthTurns + 1) p.history.shift();
        prompts.set(e.agent, p);
        if (p.streak < settings.growthTurns || tokens < settings.minPromptTokens) return null;
        p.streak = 0; // one alarm per streak
        return {
          kind: 'token-explosion',
          action: settings.action,
          agent: e.agent,
          message: `${e.agent}'s prompt grew more than ${settings.maxPromptGrowth}× per call for ${settings.growthTurns} calls, to ${tokens} tokens`,
          evidence: { promptTokens: p.history, maxPromptGrowth: settings.maxPromptGrowth, growthTurns: settings.growthTurns },
        };
      }
      if (e.type === 'context.compacted' && e.policy === 'summarize') {
        summaryCost += e.costUsd;
        summaries += 1;
        const total = view.account.totals.costUsd;
        const share = total > 0 ? summaryCost / total : 0;
        if (summaryTripped || summaries < 2 || share <= settings.maxSummaryCostShare) return null;
        summaryTripped = true;
        return {
          kind: 'token-explosion',
          action: settings.action,
          agent: e.agent,
          message: `${summaries} summaries cost ${Math.round(share * 100)}% of the run (limit ${Math.round(settings.maxSummaryCostShare * 100)}%)`,
          evidence: { summaries, summaryCostUsd: summaryCost, runCostUsd: total, share },
        };
      }
      return null;
    },
  };
}
