import { z } from 'zod';
import { RunSeedSchema } from '../../protocol/runSeed';

/**
 * A `type: "squad"` launch configuration, checked where it enters the debug adapter (it comes from a
 * user's launch.json). Exactly one of `program` (debug a live run of a squad file) and `journal`
 * (step through a saved run: no model or tool is called).
 */
export const SquadLaunchArgumentsSchema = z
  .object({
    program: z.string().min(1).optional().describe('The *.squad.yaml file to run under the debugger.'),
    journal: z.string().min(1).optional().describe('A saved run (.squad/runs/*.jsonl) to replay under the debugger.'),
    profile: z.string().min(1).max(64).default('local'),
    seed: RunSeedSchema.optional(),
    tenant: z.string().min(1).max(64).default('default'),
    stopOnEntry: z.boolean().default(false),
    /** The workspace whose `.squad/runs/` keeps the journal of a live run (default: the file's folder). */
    cwd: z.string().min(1).optional(),
    /** Guardrail kinds to break on from the start (VS Code sets them through the Breakpoints view too). */
    breakOnGuardrails: z.array(z.string()).default([]),
    noDebug: z.boolean().default(false),
  })
  .loose()
  .superRefine((args, ctx) => {
    if ((args.program === undefined) === (args.journal === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['program'], message: 'give exactly one of "program" (a squad file) and "journal" (a saved run)' });
    }
  });
export type SquadLaunchArguments = z.infer<typeof SquadLaunchArgumentsSchema>;
