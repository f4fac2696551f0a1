import { z } from 'zod';
import { NameSchema } from './name';

export const HandoffActionSchema = z
  .object({
    to: NameSchema.describe("The agent that receives the work; it must be listed in this agent's `handoffs`."),
    content: z.string().describe('The message handed over.'),
  })
  .strict();
export const AskActionSchema = z
  .object({
    agent: NameSchema.describe("The agent asked; it must be listed in this agent's `asks`. The turn waits for its answer."),
    question: z.string(),
  })
  .strict();
export const ToolActionSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][\w-]*\.[\w.-]+$/, 'a tool is named "server.tool"')
      .describe('"server.tool": a key of `toolServers` and a tool it serves, allowed by the agent\'s `tools`.'),
    args: z.record(z.string(), z.unknown()).default({}).describe("The tool call's arguments."),
  })
  .strict();

/**
 * One turn of a simulated agent. Keys present in one step are the actions of one model response, in
 * a fixed order: `say`, then `tool` calls (whose results start another model call in the same turn,
 * answered by the next step), then `handoff`s, then at most one of `ask`, `answer`, `finish`.
 */
export const ScriptStepSchema = z
  .object({
    say: z.string().optional().describe('Text the model writes this turn.'),
    tool: z
      .union([ToolActionSchema, z.array(ToolActionSchema).min(1)])
      .optional()
      .describe('One tool call or a list of them; the next step answers with the results in hand.'),
    handoff: z
      .union([HandoffActionSchema, z.array(HandoffActionSchema).min(1)])
      .optional()
      .describe('Hands work to one agent or several (a fan-out).'),
    ask: AskActionSchema.optional().describe('Asks another agent a question and waits for its answer.'),
    answer: z.string().optional().describe('Answers the question this agent was asked.'),
    finish: z.string().optional().describe("Ends this agent's work with a result; the entry agent's `finish` completes the run."),
    fail: z.string().optional().describe('The model call fails with this error instead (a transient provider error: it is retried with backoff).'),
    delayMs: z.number().int().nonnegative().optional().describe("Extra time before this step's reply arrives, on top of the model's latency: a slow or stuck call."),
    waitFor: z.array(NameSchema).min(1).optional().describe('Start this turn only once a message from each of these agents has arrived (a join).'),
    repeat: z
      .union([z.number().int().min(1), z.literal('forever')])
      .default(1)
      .describe('How many turns this step answers before the script moves on.'),
  })
  .strict()
  .refine((s) => [s.ask, s.answer, s.finish].filter((a) => a !== undefined).length <= 1, {
    error: 'a step ends its turn with at most one of ask, answer, finish',
  })
  .refine((s) => s.say !== undefined || s.tool || s.handoff || s.ask || s.answer !== undefined || s.finish !== undefined || s.fail !== undefined, {
    error: 'a step needs at least one action: say, tool, handoff, ask, answer, finish or fail',
  })
  .refine((s) => s.fail === undefined || (s.say === undefined && !s.tool && !s.handoff && !s.ask && s.answer === undefined && s.finish === undefined), {
    error: 'a failing step has no other action: the model call fails before it answers',
  });
export type ScriptStep = z.infer<typeof ScriptStepSchema>;
