import type { RunEvent } from '../../../protocol/runEvent';
import { CircuitBreaker } from '../policies/circuitBreaker';
import type { Guardrail, ModelCallGate, RunView, ToolCallGate, Trip } from './guardrail';

/**
 * A circuit breaker per model and per tool server: after `failureThreshold` consecutive failures the
 * circuit opens and calls are refused at once (`block-edge`: the call fails, the cascade guardrail
 * decides what that means) until the cooldown lets a trial call through.
 */
export function circuitOpen(): Guardrail {
  const breakers = new Map<string, CircuitBreaker>();
  const modelOf = new Map<string, string>();
  const breaker = (key: string, view: RunView): CircuitBreaker => {
    let b = breakers.get(key);
    if (!b) {
      const { failureThreshold, cooldownMs } = view.profile.guardrails.circuitBreaker;
      breakers.set(key, (b = new CircuitBreaker(failureThreshold, cooldownMs)));
    }
    return b;
  };
  const refuse = (key: string, agent: string, b: CircuitBreaker): Trip => ({
    kind: 'circuit-open',
    action: 'block-edge',
    agent,
    message: `the circuit of ${key} is open after ${b.consecutiveFailures} consecutive failures; call refused`,
    evidence: { circuit: key, consecutiveFailures: b.consecutiveFailures, retryAt: b.retryAt() },
  });
  const record = (key: string, ok: boolean, agent: string | null, view: RunView): Trip | null => {
    const b = breaker(key, view);
    if (ok) {
      b.success();
      return null;
    }
    if (!b.failure(view.now)) return null;
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
    beforeModelCall(call: ModelCallGate, view: RunView): Trip | null {
      const key = `model ${call.model.model}`;
      const b = breaker(key, view);
      return b.allow(view.now) ? null : refuse(key, call.agent, b);
    },
    beforeToolCall(call: ToolCallGate, view: RunView): Trip | null {
      const key = `tool server ${call.server}`;
      const b = breaker(key, view);
      return b.allow(view.now) ? null : refuse(key, call.agent, b);
    },
    afterEvent(e: RunEvent, view: RunView): Trip | null {
      if (e.type === 'model.request' && e.agent) modelOf.set(e.agent, e.model);
      if ((e.type === 'model.response' || e.type === 'model.failed') && e.agent) {
        const model = modelOf.get(e.agent);
        return model ? record(`model ${model}`, e.type === 'model.response', e.agent, view) : null;
      }
      if (e.type === 'tool.result') {
        const server = e.tool.slice(0, e.tool.indexOf('.'));
        return record(`tool server ${server}`, e.ok, e.agent, view);
      }
      return null;
    },
  };
}
