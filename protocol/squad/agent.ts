import { z } from 'zod';
import { NameSchema } from './name';
import { ScriptStepSchema } from './script';

export const RoleSchema = z.string().min(1).describe('planner, worker, checker, or a role of your own');

/**
 * What `stuckAfterMs` and `restartAfterMs` are when a replicated agent leaves them out. They are
 * optional in the schema, not defaulted, so that setting them on an agent without replicas (where they
 * do nothing) can be told apart and warned about.
 */
export const REPLICA_DEFAULTS = { stuckAfterMs: 120_000, restartAfterMs: 30_000 } as const;

export const AgentSchema = z
  .object({
    role: RoleSchema,
    model: NameSchema.describe('A key of `models`.'),
    description: z.string().optional(),
    instructions: z.string().default('').describe("The agent's system prompt."),
    tools: z
      .array(z.string().regex(/^[A-Za-z][\w-]*\.(\*|[\w.-]+)$/, 'a tool pattern is "server.tool" or "server.*"'))
      .default([])
      .describe('MCP tools this agent may call, as "server.tool" or "server.*".'),
    handoffs: z.array(NameSchema).default([]).describe('Agents this agent may hand work to.'),
    asks: z.array(NameSchema).default([]).describe('Agents this agent may ask a question and wait for.'),
    maxTurns: z.number().int().positive().optional().describe('Overrides guardrails.maxTurnsPerAgent.'),
    replicas: z
      .number()
      .int()
      .min(1)
      .max(32)
      .default(1)
      .describe(
        'Run this agent as N instances ("name#1" … "name#N") behind a balancer: work goes to the instance with the least outstanding work, an answer returns to the instance that asked, and a crashed or stuck instance\'s work moves to a healthy one.',
      ),
    stuckAfterMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('With replicas: a model call of an instance that has not answered after this long counts the instance stuck, and its work moves (default 120000).'),
    restartAfterMs: z.number().int().nonnegative().optional().describe('With replicas: how long a crashed or stuck instance stays out of the balancer before it takes work again (default 30000).'),
    context: z
      .enum(['conversation', 'turn'])
      .default('conversation')
      .describe(
        'conversation: the agent sees everything it was sent and said since the run began; turn: only its instructions and what the current turn brought (a stateless worker, whose context does not grow).',
      ),
    fallback: z.string().optional().describe('What this agent returns, marked tainted, when its work fails under the cascade `fallback` policy.'),
    script: z.array(ScriptStepSchema).default([]).describe('What a simulated model answers, turn by turn.'),
  })
  .strict();
export type AgentConfig = z.infer<typeof AgentSchema>;
