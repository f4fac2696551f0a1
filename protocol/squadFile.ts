import { z } from 'zod';
import { AgentSchema } from './squad/agent';
import { EnvListSchema } from './squad/envList';
import { GuardrailSettingsSchema } from './squad/guardrailSettings';
import { ModelSchema } from './squad/model';
import { NameSchema } from './squad/name';
import { ProfileSchema } from './squad/profile';
import { TestCasesSchema } from './squad/testCase';
import { ToolServerSchema } from './squad/toolServer';

// The parts of the file live in protocol/squad/, one concept per file; this module is the whole.
export * from './squad/agent';
export * from './squad/envList';
export * from './squad/guardrailSettings';
export * from './squad/model';
export * from './squad/name';
export * from './squad/profile';
export * from './squad/script';
export * from './squad/testCase';
export * from './squad/toolCache';
export * from './squad/toolServer';

/**
 * The `*.squad.yaml` file: the one description of a squad that the editor, the engine, the CLI and
 * the debugger share. Names (of models, agents, tool servers, profiles) are map keys, so the YAML
 * parser itself rejects duplicates and every error can point at the key that is wrong.
 *
 * Cross-references (an agent's model, a handoff target, a script step's agent) are checked after
 * this schema by `validateSquadReferences`, which reports them at the YAML node that names them.
 */

export const TaskSchema = z
  .object({
    entry: NameSchema.describe('The agent that receives the input and whose `finish` completes the run.'),
    input: z.string().min(1, 'the task input is empty').describe('The message the entry agent receives.'),
  })
  .strict();

export const SquadFileSchema = z
  .object({
    version: z.literal(1).describe('Squad file format version.'),
    name: NameSchema.describe("The squad's name, shown in runs and traces."),
    description: z.string().optional(),
    task: TaskSchema.describe('What a run starts with.'),
    env: EnvListSchema.default([]),
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
    profiles: z.record(NameSchema, ProfileSchema).default({}).describe('Named run conditions (latency, guardrails), chosen when a run starts.'),
    tests: TestCasesSchema.default([]),
  })
  .strict();
export type SquadFile = z.infer<typeof SquadFileSchema>;
