import { mergeMarks, type AgentRuntime, type JoinState, type Message } from './agentRuntime';
import type { AgentWait } from './guardrails/guardrail';
import { blocked } from './guardrails/deadlock';
import { findWaitCycle } from './guardrails/waitForGraph';
import type { RunContext } from './runContext';
import { JoinWait, listOf, meetJoin } from './joinWait';
import { countText } from './tokenCounter';

/**
 * Mailboxes and routing: messages are sent (journaled, routed to an instance, scheduled for delivery
 * after the profile's hand-off latency), delivered into mailboxes, and wake their agent when it can
 * take a turn. Waits live here too: an ask's wait for its answer, and joins (a scripted turn that
 * waits for messages from several agents), kept per waiting agent as what it still waits for, so a
 * delivery costs O(1) however many agents a join names.
 */
export class Mailboxes {
  readonly waits = new Map<string, AgentWait>();
  /** Messages sent and not delivered yet. */
  inFlight = 0;
  /** The same by recipient, then sender: a wait-for edge a message in transit will meet is not blocked. */
  private readonly transit = new Map<string, Map<string | null, number>>();
  private readonly answersInTransit = new Map<string, Map<string | null, number>>();
  /** Agents whose join gained wait-for edges in this step: judged for deadlock once it is done. */
  private readonly newJoinEdges: string[] = [];
  private nextMessage = 0;

  constructor(private readonly run: RunContext) {}

  send(from: string | null, address: string, kind: Message['kind'], content: string, inReplyTo: string | null, span: string): Message {
    const { run } = this;
    const to = run.roster.route(address, run.now);
    const target = run.roster.find(to);
    if (target) target.inTransit += 1;
    const marks = from === null ? [] : [...(run.roster.find(from)?.marks ?? [])];
    const message: Message = { id: `m${++this.nextMessage}`, from, to, kind, content, inReplyTo, marks };
    run.emit({
      runId: run.emitter.runId,
      seq: 0,
      type: 'message.sent',
      t: run.now,
      agent: from,
      spanId: `${span}/${message.id}`,
      parentSpanId: span,
      messageId: message.id,
      from,
      to,
      kind,
      content,
      tokens: countText(content),
      inReplyTo,
      marks,
    });
    this.inFlight += 1;
    this.count(this.transit, to, from, 1);
    if (kind === 'answer') this.count(this.answersInTransit, to, from, 1);
    const hop = from === null ? 0 : run.options.profile.handoffLatencyMs;
    run.scheduler.push(run.now + hop, { kind: 'deliver', message });
    return message;
  }

  inTransit(from: string, to: string, only?: 'answers'): number {
    return (only ? this.answersInTransit : this.transit).get(to)?.get(from) ?? 0;
  }

  deliver(message: Message): void {
    const { run } = this;
    this.inFlight -= 1;
    this.count(this.transit, message.to, message.from, -1);
    if (message.kind === 'answer') this.count(this.answersInTransit, message.to, message.from, -1);
    const agent = run.roster.get(message.to);
    agent.inTransit -= 1;
    run.emit({
      runId: run.emitter.runId,
      seq: 0,
      type: 'message.delivered',
      t: run.now,
      agent: agent.name,
      spanId: `deliver/${message.id}`,
      parentSpanId: null,
      messageId: message.id,
      to: agent.name,
    });
    // A question withdrawn to break a deadlock may still arrive: it is dropped, not answered.
    if (message.kind === 'question' && !this.questionOpen(message)) return;
    agent.mailbox.push(message);
    const met = agent.join !== null && message.from !== null ? this.meet(agent, agent.join, message.from) : NOTHING_MET;
    this.wake(agent, met.length > 0 ? { from: message.from!, met } : null);
  }

  private meet(agent: AgentRuntime, join: JoinState, from: string): string[] {
    const wait = agent.wait;
    return wait instanceof JoinWait && wait.join === join ? wait.meet(from) : meetJoin(join, from);
  }

  /** Puts a message into a mailbox directly (failover moves work without a new delivery). */
  move(agent: AgentRuntime, message: Message): void {
    agent.mailbox.push(message);
    agent.join = null;
  }

  private questionOpen(question: Message): boolean {
    return this.run.roster.find(question.from)?.wait?.questionId === question.id;
  }

  /**
   * Schedules the agent's next turn if it can take one; records a join wait if it cannot yet.
   * `arrival`: a delivery just met part of the agent's join (it waits for less; no edge is added):
   * journaled as `agent.wait.met`, the arrival alone, so a join on K agents journals O(K) bytes.
   */
  wake(agent: AgentRuntime, arrival: { from: string; met: string[] } | null = null): void {
    if (agent.status === 'running' || agent.status === 'scheduled' || agent.mailbox.length === 0) return;
    if (agent.wait?.reason === 'answer') {
      const questionId = agent.wait.questionId;
      if (!agent.mailbox.some((m) => m.kind === 'answer' && m.inReplyTo === questionId)) return;
    } else {
      const joined = this.run.joins.next(agent.definition);
      if (joined.length > 0) {
        const fresh = agent.join === null;
        const join = (agent.join ??= this.joinOf(agent, joined));
        if (join.missing > 0) {
          const previous = agent.wait;
          if (!fresh && previous instanceof JoinWait && previous.join === join) {
            if (arrival) this.recordMet(agent, arrival, join.missing);
          } else if (previous?.reason === 'join' && sameList(previous.on, listOf(join))) {
            // A join built anew that waits for what was journaled already: the same wait, over the
            // new join state, journaled nothing.
            const wait = new JoinWait(join, previous.since);
            agent.wait = wait;
            this.waits.set(agent.name, wait);
          } else {
            this.recordWait(agent, new JoinWait(join, this.run.now), `${agent.name}/wait`);
            if (fresh) this.newJoinEdges.push(agent.name);
          }
          return;
        }
      }
    }
    agent.wait = null;
    agent.join = null;
    this.waits.delete(agent.name);
    agent.status = 'scheduled';
    // An instance that crashed takes its mail once it has restarted.
    this.run.scheduler.push(Math.max(this.run.now, agent.downUntil), { kind: 'turn', agent: agent.name });
  }

  /**
   * Who a join on `joined` still waits for, built from the mailbox: for each joined agent, a message
   * from each instance that has this agent's work (one hand-off result each), or, when it handed
   * that agent nothing, a message from any.
   */
  private joinOf(agent: AgentRuntime, joined: readonly string[]): JoinState {
    const senders = new Set<string | null>();
    for (const m of agent.mailbox) senders.add(m.from);
    const join: JoinState = { groups: [], byInstance: new Map(), missing: 0 };
    for (const definition of joined) {
      const instances = this.run.roster.instancesOf(definition);
      const owing = instances.filter((name) => agent.awaitingResults.has(name));
      const group =
        owing.length > 0
          ? { mode: 'each' as const, waiting: new Set(owing.filter((name) => !senders.has(name))) }
          : { mode: 'any' as const, waiting: new Set(instances.some((name) => senders.has(name)) ? [] : instances) };
      join.groups.push(group);
      for (const name of group.waiting) join.byInstance.set(name, group);
      join.missing += group.waiting.size;
    }
    return join;
  }

  /** Records a wait: the agent is blocked, the wait-for edges are journaled. */
  recordWait(agent: AgentRuntime, wait: AgentWait, span: string): void {
    agent.wait = wait;
    agent.status = 'waiting';
    this.waits.set(agent.name, wait);
    this.run.emit({
      type: 'agent.waiting',
      t: this.run.now,
      agent: agent.name,
      spanId: `${span}/wait`,
      parentSpanId: span,
      on: [...wait.on],
      reason: wait.reason,
      questionId: wait.questionId,
    });
  }

  private recordMet(agent: AgentRuntime, arrival: { from: string; met: string[] }, missing: number): void {
    const span = `${agent.name}/wait`;
    this.run.emit({
      type: 'agent.wait.met',
      t: this.run.now,
      agent: agent.name,
      spanId: `${span}/wait`,
      parentSpanId: span,
      from: arrival.from,
      met: arrival.met,
      missing,
    });
  }

  /** An ask's wait: recorded, then judged for deadlock at once (its edge may close a cycle). */
  async startWaiting(agent: AgentRuntime, wait: AgentWait, span: string): Promise<void> {
    this.recordWait(agent, wait, span);
    await this.judgeEdge(agent.name);
  }

  get hasNewEdges(): boolean {
    return this.newJoinEdges.length > 0;
  }

  /** The joins that gained edges in the step just done, judged for deadlock. */
  async afterStep(): Promise<void> {
    for (const name of this.newJoinEdges.splice(0)) {
      if (this.run.ended) return;
      if (this.waits.get(name)?.reason === 'join') await this.judgeEdge(name);
    }
  }

  private async judgeEdge(name: string): Promise<void> {
    const wait = this.waits.get(name);
    if (!wait) return;
    if (await this.run.gate.gate((g) => g.onWaitEdge?.({ agent: name, wait }, this.run))) this.breakDeadlock(name);
  }

  /**
   * Breaks a wait cycle by failing its youngest question: the asker gets a reply saying its question
   * could not be answered (and why), its question is withdrawn, and what it builds next is marked
   * tainted. A cycle of joins alone has no question to withdraw (the deadlock policy halts it).
   */
  private breakDeadlock(closing: string): void {
    const { run } = this;
    if (run.ended) return;
    const cycle = findWaitCycle(this.waits, closing, (from, to) => blocked(this, from, to));
    if (!cycle) return;
    const members = cycle.slice(0, -1);
    const asks = members.filter((a) => this.waits.get(a)?.reason === 'answer');
    if (asks.length === 0) return;
    const youngest = asks.reduce((a, b) => ((this.waits.get(b)?.since ?? 0) > (this.waits.get(a)?.since ?? 0) ? b : a));
    const asker = run.roster.get(youngest);
    const wait = asker.wait;
    if (!wait || wait.reason !== 'answer' || !wait.questionId) return;
    const asked = run.roster.get(wait.on[0]!);
    asked.mailbox = asked.mailbox.filter((m) => m.id !== wait.questionId);
    asked.join = null;
    asked.openQuestions = asked.openQuestions.filter((m) => m.id !== wait.questionId);
    mergeMarks(asker.marks, [{ kind: 'tainted', agent: asker.name, seq: run.emitter.lastSeq, reason: `deadlock broken: ${asked.name} never answered` }]);
    this.send(
      null,
      asker.name,
      'answer',
      `Your question to ${asked.name} cannot be answered: ${cycle.join(' → ')} were waiting on each other. Go on without the answer.`,
      wait.questionId,
      `${asker.name}/wait`,
    );
  }

  private count(map: Map<string, Map<string | null, number>>, to: string, from: string | null, by: number): void {
    let byFrom = map.get(to);
    if (!byFrom) map.set(to, (byFrom = new Map<string | null, number>()));
    const n = (byFrom.get(from) ?? 0) + by;
    if (n === 0) byFrom.delete(from);
    else byFrom.set(from, n);
  }
}

const NOTHING_MET: string[] = [];

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
