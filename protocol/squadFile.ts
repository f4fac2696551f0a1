import { z } from 'zod';

/**
 * The `*.squad.yaml` file: the one description of a squad that the editor, the engine, the CLI and
 * the debugger share. Names (of models, agents, tool servers, profiles) are map keys, so the YAML
 * parser itself rejects duplicates and every error can point at the key that is wrong.
 *
 * Cross-references (an agent's model, a handoff target, a script step's agent) are checked after
 * this schema by `validateSquadReferences`, which reports them at the YAML node that names them.
 */

/** An identifier a user writes and later reads in tables, traces and `financials#2`-style ids. */
export const NameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'a name starts with a letter and has only letters, digits, "-" and "_" (64 at most)');

export const ModelLatencySchema = z
  .object({
    ttftMs: z.number().nonnegative().default(400).describe('Time to first token, in milliseconds.'),
    tokensPerSecond: z.number().positive().default(60).describe('Output speed once tokens flow.'),
  })
  .strict();
export type ModelLatency = z.infer<typeof ModelLatencySchema>;

export const ModelPriceSchema = z
  .object({
    inputPerMTok: z.number().nonnegative().describe('USD per million input tokens.'),
    cachedInputPerMTok: z.number().nonnegative().describe('USD per million cached input tokens.'),
    outputPerMTok: z.number().nonnegative().describe('USD per million output tokens.'),
  })
  .strict();
export type ModelPrice = z.infer<typeof ModelPriceSchema>;

export const ModelSchema = z
  .object({
    provider: z.enum(['simulated']).describe('Where the model runs. Real providers arrive with their own adapters.'),
    model: z.string().min(1).describe('The provider model id; prices and context window come from the pricing table.'),
    contextWindow: z.number().int().positive().optional().describe('Overrides the pricing table.'),
    price: ModelPriceSchema.optional().describe('Overrides the pricing table, in USD per million tokens.'),
    latency: ModelLatencySchema.optional().describe('Simulated latency before profile scaling.'),
  })
  .strict();
export type ModelConfig = z.infer<typeof ModelSchema>;

export const HandoffActionSchema = z
  .object({
    to: NameSchema.describe('The agent that receives the work; it must be listed in this agent\'s `handoffs`.'),
    content: z.string().describe('The message handed over.'),
  })
  .strict();
export const AskActionSchema = z
  .object({
    agent: NameSchema.describe('The agent asked; it must be listed in this agent\'s `asks`. The turn waits for its answer.'),
    question: z.string(),
  })
  .strict();
export const ToolActionSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z][\w-]*\.[\w.-]+$/, 'a tool is named "server.tool"')
      .describe('"server.tool": a key of `toolServers` and a tool it serves, allowed by the agent\'s `tools`.'),
    args: z.record(z.string(), z.unknown()).default({}).describe('The tool call\'s arguments.'),
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
    finish: z.string().optional().describe('Ends this agent\'s work with a result; the entry agent\'s `finish` completes the run.'),
    waitFor: z
      .array(NameSchema)
      .min(1)
      .optional()
      .describe('Start this turn only once a message from each of these agents has arrived (a join).'),
    repeat: z
      .union([z.number().int().min(1), z.literal('forever')])
      .default(1)
      .describe('How many turns this step answers before the script moves on.'),
  })
  .strict()
  .refine((s) => [s.ask, s.answer, s.finish].filter((a) => a !== undefined).length <= 1, {
    message: 'a step ends its turn with at most one of ask, answer, finish',
  })
  .refine((s) => s.say !== undefined || s.tool || s.handoff || s.ask || s.answer !== undefined || s.finish !== undefined, {
    message: 'a step needs at least one action: say, tool, handoff, ask, answer or finish',
  });
export type ScriptStep = z.infer<typeof ScriptStepSchema>;

export const RoleSchema = z
  .string()
  .min(1)
  .describe('planner, worker, checker, or a role of your own');

export const AgentSchema = z
  .object({
    role: RoleSchema,
    model: NameSchema.describe('A key of `models`.'),
    description: z.string().optional(),
    instructions: z.string().default('').describe('The agent\'s system prompt.'),
    tools: z
      .array(z.string().regex(/^[A-Za-z][\w-]*\.(\*|[\w.-]+)$/, 'a tool pattern is "server.tool" or "server.*"'))
      .default([])
      .describe('MCP tools this agent may call, as "server.tool" or "server.*".'),
    handoffs: z.array(NameSchema).default([]).describe('Agents this agent may hand work to.'),
    asks: z.array(NameSchema).default([]).describe('Agents this agent may ask a question and wait for.'),
    maxTurns: z.number().int().positive().optional().describe('Overrides guardrails.maxTurnsPerAgent.'),
    context: z
      .enum(['conversation', 'turn'])
      .default('conversation')
      .describe(
        'conversation: the agent sees everything it was sent and said since the run began; turn: only its instructions and what the current turn brought (a stateless worker, whose context does not grow).',
      ),
    script: z.array(ScriptStepSchema).default([]).describe('What a simulated model answers, turn by turn.'),
  })
  .strict();
export type AgentConfig = z.infer<typeof AgentSchema>;

export const ToolServerSchema = z.union([
  z
    .object({
      command: z.string().min(1).describe('Starts an MCP server that speaks over stdio.'),
      args: z.array(z.string()).default([]),
      env: z.record(z.string(), z.string()).default({}),
      cwd: z.string().optional().describe('Working directory of the server process.'),
    })
    .strict()
    .describe('An MCP server the squad starts as a child process (stdio transport).'),
  z
    .object({
      url: z
        .url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' })
        .describe('The endpoint of an MCP server over streamable HTTP.'),
      headers: z.record(z.string(), z.string()).default({}),
    })
    .strict()
    .describe('An MCP server already running, reached over HTTP.'),
]);
export type ToolServerConfig = z.infer<typeof ToolServerSchema>;

export const GuardrailAction = z.enum(['warn', 'block-edge', 'pause', 'halt']);
export type GuardrailAction = z.infer<typeof GuardrailAction>;

export const GuardrailSettingsSchema = z
  .object({
    maxTurnsPerAgent: z.number().int().positive().optional().describe('Loop guard: turns one agent may take.'),
    maxRunTurns: z.number().int().positive().optional().describe('Loop guard: turns all agents may take together.'),
    budgetUsd: z.number().nonnegative().optional().describe('Hard cost limit of one run.'),
    deadlock: GuardrailAction.optional().describe('What to do when agents wait on each other in a cycle.'),
  })
  .strict();
export type GuardrailSettings = z.infer<typeof GuardrailSettingsSchema>;

export const ProfileSchema = z
  .object({
    description: z.string().optional(),
    modelLatencyScale: z.number().nonnegative().optional().describe('Multiplies every simulated model latency.'),
    modelLatencyJitter: z
      .number()
      .min(0)
      .max(5)
      .optional()
      .describe('Lognormal sigma applied to simulated model latency (0 = none).'),
    handoffLatencyMs: z.number().nonnegative().optional().describe('Transit time of each agent-to-agent message.'),
    guardrails: GuardrailSettingsSchema.optional().describe('Overrides the squad-level guardrails under this profile.'),
  })
  .strict();
export type ProfileConfig = z.infer<typeof ProfileSchema>;

export const TaskSchema = z
  .object({
    entry: NameSchema.describe('The agent that receives the input and whose `finish` completes the run.'),
    input: z.string().min(1, 'the task input is empty').describe('The message the entry agent receives.'),
  })
  .strict();

export const SquadFileSchema = z
  .object({
    version: z.literal(1).describe('Squad file format version.'),
    name: NameSchema.describe('The squad\'s name, shown in runs and traces.'),
    description: z.string().optional(),
    task: TaskSchema.describe('What a run starts with.'),
    models: z
      .record(NameSchema, ModelSchema)
      .refine((m) => Object.keys(m).length > 0, 'declare at least one model')
      .describe('The models agents use, by name.'),
    agents: z
      .record(NameSchema, AgentSchema)
      .refine((a) => Object.keys(a).length > 0, 'declare at least one agent')
      .describe('The agents of the squad, by name.'),
    toolServers: z.record(NameSchema, ToolServerSchema).default({}).describe('MCP servers, by name.'),
    guardrails: GuardrailSettingsSchema.default({}).describe('Limits every run of this squad obeys.'),
    profiles: z
      .record(NameSchema, ProfileSchema)
      .default({})
      .describe('Named run conditions (latency, guardrails), chosen when a run starts.'),
  })
  .strict();
export type SquadFile = z.infer<typeof SquadFileSchema>;
