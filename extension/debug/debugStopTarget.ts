import { SquadLocations } from './squadLocations';

/** What the graph highlights for a stack frame: the agent, and the hand-off edge `agent → to` if any. */
export interface DebugStopTarget {
  agent: string;
  to: string | null;
  /** The frame's 1-based line in the squad file. */
  line: number;
  /** The frame's name, as the Call Stack view shows it. */
  label: string;
}

/**
 * The frame names our adapter gives a stop before a message (`checker: before handoff → writer`)
 * and a frame of the hand-off chain (`handoff from regulatory: …`); see squadDebugSession.ts.
 */
const BEFORE_MESSAGE = /^(?<agent>[^:\s]+): before \S+ → (?<to>\S+)$/;

/**
 * Reads a squad debug stack frame back into graph terms. The line is what the debugger shows, so it
 * decides (a hand-off line is that edge, a line inside an agent is that agent); the name adds the
 * edge where the file has no line for it (an answer or a question sent back). Null for a line the
 * graph has nothing for (the task, a comment).
 */
export function debugStopTarget(text: string, frame: { line: number; name: string }): DebugStopTarget | null {
  const target = SquadLocations.of(text).breakTarget(frame.line);
  const named = BEFORE_MESSAGE.exec(frame.name)?.groups;
  if (named?.agent && named.to) return { agent: named.agent, to: named.to, line: frame.line, label: frame.name };
  if (!target) return null;
  return { agent: target.agent, to: target.kind === 'handoff' ? target.to : null, line: frame.line, label: frame.name };
}
