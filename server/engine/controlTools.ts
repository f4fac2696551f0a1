import { z } from 'zod';
import type { ToolSpec } from './modelProvider';

/**
 * The coordination actions every agent has, offered to the model as tools. Arguments a model sends
 * are wire data: they are parsed with these schemas, never cast.
 */
export const ControlArgs = {
  handoff: z.object({ to: z.string().min(1), content: z.string() }).strict(),
  ask: z.object({ agent: z.string().min(1), question: z.string() }).strict(),
  answer: z.object({ content: z.string() }).strict(),
  finish: z.object({ result: z.string() }).strict(),
} as const;

export type ControlName = keyof typeof ControlArgs;
export type ControlAction =
  | { name: 'handoff'; args: z.infer<typeof ControlArgs.handoff> }
  | { name: 'ask'; args: z.infer<typeof ControlArgs.ask> }
  | { name: 'answer'; args: z.infer<typeof ControlArgs.answer> }
  | { name: 'finish'; args: z.infer<typeof ControlArgs.finish> };

export function isControlName(name: string): name is ControlName {
  return Object.hasOwn(ControlArgs, name);
}

/** Parses a model's control call; returns the reason when the arguments are wrong. */
export function parseControl(name: ControlName, args: unknown): ControlAction | { error: string } {
  const parsed = ControlArgs[name].safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at "${issue.path.join('.')}"` : '';
    return { error: `invalid arguments for ${name}${where}: ${issue?.message ?? 'rejected'}` };
  }
  return { name, args: parsed.data } as ControlAction;
}

const DESCRIPTIONS: Record<ControlName, string> = {
  handoff: 'Send work to another agent. Your turn may go on; the other agent works on it when it can.',
  ask: 'Ask another agent a question and wait for its answer before doing anything else.',
  answer: 'Answer the oldest question you were asked.',
  finish: 'Finish your work with a result; it goes back to the agent that gave you the work.',
};

/**
 * Each control's arguments as JSON Schema, converted once per process (immutable, never handed out
 * itself): converting them for each agent's tool list was a start-up cost of every run.
 */
const INPUT_SCHEMAS: Readonly<Record<ControlName, ToolSpec['inputSchema']>> = {
  handoff: z.toJSONSchema(ControlArgs.handoff),
  ask: z.toJSONSchema(ControlArgs.ask),
  answer: z.toJSONSchema(ControlArgs.answer),
  finish: z.toJSONSchema(ControlArgs.finish),
};

/** The control tools an agent is offered: only the ones its declaration makes meaningful. */
export function controlToolSpecs(options: { canHandoff: boolean; canAsk: boolean }): ToolSpec[] {
  const names: ControlName[] = [...(options.canHandoff ? (['handoff'] as const) : []), ...(options.canAsk ? (['ask'] as const) : []), 'answer', 'finish'];
  return names.map((name) => ({
    name,
    description: DESCRIPTIONS[name],
    // A copy per agent, as before: whoever holds a spec may change it without touching another's.
    inputSchema: structuredClone(INPUT_SCHEMAS[name]),
  }));
}
