import type { RunEvent } from '../../../protocol/runEvent';
import { CircuitBreaker } from '../policies/circuitBreaker';
import type { Guardrail, ModelCallGate, RunView, ToolCallGate, Trip } from './guardrail';

type Circuit = 'model' | 'tool server';

/**
 * A circuit breaker per model and per tool server: after `failureThreshold` consecutive failures the
 * circuit opens and calls are refused at once (`block-edge`: the call fails, the cascade guardrail
 * decides what that means) until the cooldown lets a trial call through.
 */
export function circuitOpen(): Guardrail {
  /** By circuit kind, then bare model / server name: the per-call lookups build no key string. */
  const breakers: Record<Circuit, Map<string, CircuitBreaker>> = { model: new Map(), 'tool server': new Map() };
  const modelOf = new Map<string, string>();
  const breaker = (circuit: Circuit, name: string, view: RunView): CircuitBreaker => {
    let b = breakers[circuit].get(name);
    if (!b) {
      const { failureThreshold, cooldownMs } = view.profile.guardrails.circuitBreaker;
      breakers[circuit].set(name, (b = new CircuitBreaker(failureThreshold, cooldownMs)));
    }
    return b;
  };
  const gate = (circuit: Circuit, name: string, agent: string, view: RunView): Trip | null => {
    const b = breaker(circuit, name, view);
    if (b.allow(view.now)) return null;
    const key = `${circuit} ${name}`;
    return {
      kind: 'circuit-open',
      action: 'block-edge',
      agent,
      message: `the circuit of ${key} is open after ${b.consecutiveFailures} consecutive failures; call refused`,
      evidence: { circuit: key, consecutiveFailures: b.consecutiveFailures, retryAt: b.retryAt() },
    };
  };
  const record = (circuit: Circuit, name: string, ok: boolean, agent: string | null, view: RunView): Trip | null => {
    const b = breaker(circuit, name, view);
    if (ok) {
      b.success();
      return null;
    }
    if (!b.failure(view.now)) return null;
    const key = `${circuit} ${name}`;
    return {
      kind: 'circuit-open',
      action: 'warn',
      agent,
      message: `the circuit of ${key} opened after ${b.consecutiveFailures} consecutive failures`,
      evidence: { circuit: key, consecutiveFailures: b.consecutiveFailures, retryAt: b.retryAt() },
    };
  };
  return {
    name: 'circuit-open',
    watches: ['model.request', 'model.response', 'model.failed', 'tool.result'],
    beforeModelCall(call: ModelCallGate, view: RunView): Trip | null {
      return gate('model', call.model.model, call.agent, view);
    },
    beforeToolCall(call: ToolCallGate, view: RunView): Trip | null {
      return gate('tool server', call.server, call.agent, view);
    },
    afterEvent(e: RunEvent, view: RunView): Trip | null {
      if (e.type === 'model.request' && e.agent) modelOf.set(e.agent, e.model);
      if ((e.type === 'model.response' || e.type === 'model.failed') && e.agent) {
        const model = modelOf.get(e.agent);
        return model ? record('model', model, e.type === 'model.response', e.agent, view) : null;
      }
      if (e.type === 'tool.result') {
        return record('tool server', e.tool.slice(0, e.tool.indexOf('.')), e.ok, e.agent, view);
      }
      return null;
    },
  };
}
