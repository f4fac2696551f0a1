import { REPLICA_DEFAULTS } from '../../protocol/squad/agent';
import type { AgentRuntime, Message } from './agentRuntime';
import type { RunContext } from './runContext';

/**
 * An instance of a replicated agent crashed or got stuck in its current turn. The turn ends without
 * acknowledging its input; the instance restarts empty after `restartAfterMs`; and the work it held
 * (the hand-off it was working on, questions it had not answered, the turn's input, its mailbox)
 * moves to the healthy sibling with the least outstanding work, which does it from the start.
 * Askers waiting on a moved question now wait on the new instance. False when no sibling is healthy.
 */
export function failOver(run: RunContext, agent: AgentRuntime, cause: 'crashed' | 'stuck', reason: string): boolean {
  const to = run.roster.healthySibling(agent, run.now);
  if (!to || !agent.turn) return false;
  const turn = agent.turn;
  const moved: Message[] = [];
  for (const m of [agent.caller, ...agent.openQuestions, ...turn.inputs, ...agent.mailbox]) {
    if (m && !moved.includes(m)) moved.push(m);
  }
  moved.sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
  const downUntil = run.now + (agent.config.restartAfterMs ?? REPLICA_DEFAULTS.restartAfterMs);
  run.emit({
    type: 'agent.failover',
    t: run.now,
    agent: agent.name,
    spanId: `${turn.span}/failover`,
    parentSpanId: turn.span,
    definition: agent.definition,
    from: agent.name,
    to: to.name,
    cause,
    reason,
    messageIds: moved.map((m) => m.id),
    downUntil,
  });
  // What the instance knew is gone with it; it comes back with its instructions alone.
  agent.downUntil = downUntil;
  agent.mailbox = [];
  agent.join = null;
  agent.openQuestions = [];
  agent.caller = null;
  agent.marks = [];
  agent.awaitingResults.clear();
  agent.documents.clear();
  agent.context.splice(1);
  turn.consumed = []; // not acknowledged: the sibling consumes the moved messages again
  run.actor.endTurn(agent, 'failed');
  for (const m of moved) {
    run.mail.move(to, { ...m, to: to.name });
    const sender = run.roster.find(m.from);
    if (m.kind === 'handoff' && sender?.awaitingResults.delete(agent.name)) {
      sender.awaitingResults.add(to.name);
      sender.join = null; // its join now waits on the new instance
    }
    if (m.kind !== 'question' || m.from === null) continue;
    const asker = run.roster.find(m.from);
    if (asker?.wait?.questionId === m.id) {
      asker.wait = { ...asker.wait, on: [to.name] };
      run.mail.waits.set(asker.name, asker.wait);
    }
  }
  run.mail.wake(to);
  return true;
}
