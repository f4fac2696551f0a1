import type { RunEvent } from '../../../protocol/runEvent';
import type { Guardrail, ModelCallGate, RunStartGate, RunView, Trip } from './guardrail';
import { formatUsdLimit } from '../formatUsdLimit';

/**
 * The hard cost limit of a run, enforced twice:
 * - Before each model call the engine reserves the call's worst case (the whole prompt uncached plus
 *   the model's `maxOutputTokens`); a call whose reservation, on top of what was spent and what calls
 *   in flight have reserved, would cross the limit is not made, and the run halts (calls in flight
 *   are aborted through the run's signal).
 * - After every response, and every failed call billed for part of its work, spend is checked
 *   against the limit. A provider that bills more than the reservation (reasoning tokens, a server
 *   that ignores `max_tokens`, a tokenizer that counts the prompt differently) crosses it there, and
 *   the run halts at once naming that call: spend passes the limit by at most that one call's excess.
 *   A reply with more output tokens than `maxOutputTokens` is also a warning (once per model): the
 *   reservations for that model cannot be trusted.
 * - As the run starts, a model the agents use that has no price (neither in the pricing table nor a
 *   `price:` in the squad file) is a warning naming it: its calls count as $0, so the limit cannot
 *   see its spend. A limit that silently cannot hold is worse than none; the run still goes on (a
 *   local model may well be free), but nobody should take the limit for a guarantee.
 */
export function budget(): Guardrail {
  /** What each agent's call in flight reserved (an agent makes one call at a time). */
  const reserved = new Map<string, ModelCallGate>();
  const overLimitModels = new Set<string>();
  let halted = false;

  return {
    name: 'budget',
    watches: ['model.response', 'model.failed'],
    onRunStart(start: RunStartGate, view: RunView): Trip | null {
      const unpriced = start.models.filter((m) => m.model.price === null);
      if (unpriced.length === 0) return null;
      const limit = view.profile.guardrails.budgetUsd;
      const named = unpriced.map(({ model: m, agents }) => `${m.name} (${m.provider} ${m.model}, used by ${agents.join(', ')})`);
      const one = unpriced.length === 1;
      return {
        kind: 'budget',
        action: 'warn',
        agent: null,
        message:
          `the budget of ${formatUsdLimit(limit)} cannot count the spend of model${one ? '' : 's'} ${named.join('; ')}: ` +
          `${one ? 'it has' : 'they have'} no price in the pricing table or the squad file, so ${one ? 'its' : 'their'} calls count as $0; ` +
          `give ${one ? 'it' : 'each'} a \`price:\` in the squad file`,
        evidence: {
          budgetUsd: limit,
          unpriced: unpriced.map(({ model: m, agents }) => ({ name: m.name, provider: m.provider, model: m.model, agents })),
        },
      };
    },
    beforeModelCall(call: ModelCallGate, view: RunView): Trip | null {
      const spent = view.account.totals.costUsd;
      const limit = view.profile.guardrails.budgetUsd;
      const committed = spent + view.reservedUsd;
      if (committed + call.reserveUsd <= limit) {
        reserved.set(call.agent, call);
        return null;
      }
      return {
        kind: 'budget',
        action: 'halt',
        agent: call.agent,
        message:
          `${call.agent}'s next call to ${call.model.model} could cost up to $${call.reserveUsd.toFixed(4)}; ` +
          `with $${committed.toFixed(4)} spent or reserved that would pass the budget of ${formatUsdLimit(limit)}`,
        evidence: {
          spentUsd: spent,
          reservedUsd: view.reservedUsd,
          callReserveUsd: call.reserveUsd,
          budgetUsd: limit,
          promptTokens: call.promptTokens,
          maxOutputTokens: call.maxOutputTokens,
          byAgent: Object.fromEntries(Object.entries(view.account.agents).map(([name, a]) => [name, a.costUsd])),
        },
      };
    },
    afterEvent(e: RunEvent, view: RunView): Trip | null {
      if ((e.type !== 'model.response' && e.type !== 'model.failed') || !e.agent) return null;
      const call = reserved.get(e.agent);
      if (e.type === 'model.response' || e.retryInMs === null) reserved.delete(e.agent);
      const costUsd = e.costUsd ?? 0;
      if (costUsd === 0 || halted) return null;
      const spent = view.account.totals.costUsd;
      const limit = view.profile.guardrails.budgetUsd;
      const outputTokens = e.usage?.outputTokens ?? 0;
      // Built only for a trip: most calls trip nothing, and this runs after every one of them.
      const evidence = (): Record<string, unknown> => ({
        callSeq: e.seq,
        spanId: e.spanId,
        callCostUsd: costUsd,
        callReserveUsd: call?.reserveUsd ?? null,
        outputTokens,
        maxOutputTokens: call?.maxOutputTokens ?? null,
        ...(e.type === 'model.response' && e.finishReason ? { finishReason: e.finishReason } : {}),
        spentUsd: spent,
        budgetUsd: limit,
      });
      const model = call?.model.model ?? 'its model';
      // A cent's billionth is rounding in the cost sums, not spend.
      if (spent > limit + 1e-9) {
        halted = true;
        return {
          kind: 'budget',
          action: 'halt',
          agent: e.agent,
          message:
            `${e.agent}'s call to ${model} (${e.spanId}, event ${e.seq}) cost $${costUsd.toFixed(4)}` +
            (call ? `, reserved $${call.reserveUsd.toFixed(4)}` : '') +
            `: spend $${spent.toFixed(4)} passed the budget of ${formatUsdLimit(limit)}`,
          evidence: evidence(),
        };
      }
      if (call && outputTokens > call.maxOutputTokens && !overLimitModels.has(call.model.model)) {
        overLimitModels.add(call.model.model);
        return {
          kind: 'budget',
          action: 'warn',
          agent: e.agent,
          message:
            `${e.agent}'s call to ${model} (${e.spanId}) was billed ${outputTokens} output tokens for a maxOutputTokens of ${call.maxOutputTokens} ` +
            '(reasoning tokens, or a server that ignores max_tokens): reservations for this model understate its cost',
          evidence: evidence(),
        };
      }
      return null;
    },
  };
}
