import { z } from 'zod';
import { HeldAtSchema } from './api/runInfo';
import type { RunEvent } from './runEvent';
import { RunStatus } from './runEvent';

/**
 * What crosses between the embedded server's HTTP thread and a run thread (`dist/runThread.js`, see
 * `server/runs/threadRunHost.ts`). One `MessagePort` per run carries everything about that run, in
 * order: the thread's events come before the `held`, `flushed` or `ended` that follows them.
 *
 * Events are checked for shape only (an object with a numeric `seq` and a `type`): the thread is this
 * process's own code and wrote each of them to the journal as a typed value a moment before; parsing
 * every event again with `RunEventSchema` would put back on the HTTP thread the CPU the run thread
 * exists to take off it. Every other message is parsed whole.
 */

const EventShape = z.custom<RunEvent>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { seq?: unknown }).seq === 'number' && typeof (v as { type?: unknown }).type === 'string',
  'not a run event',
);

/** The environment a run may read (the server's policy chose it: `RunPolicy.environmentFor`); absent: the process's. */
const EnvSchema = z.record(z.string(), z.string());

/** How the thread starts the run: a new one (its journal claimed, empty) or one to resume from its journal. */
export const ThreadRunSpecSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('new'),
    text: z.string(),
    path: z.string(),
    profile: z.string(),
    seed: z.number().int(),
    tenant: z.string(),
    workspace: z.string(),
    journalId: z.string(),
    journalPath: z.string(),
    env: EnvSchema.optional(),
    toolDir: z.string().optional(),
  }),
  z.object({ kind: z.literal('resume'), journalPath: z.string(), env: EnvSchema.optional(), toolDir: z.string().optional() }),
]);
export type ThreadRunSpec = z.infer<typeof ThreadRunSpecSchema>;

/** Sent on the thread's own port with the run's port: run this. */
export const ThreadRunStartSchema = z.object({
  kind: z.literal('run'),
  spec: ThreadRunSpecSchema,
  paused: z.boolean(),
  /** The tenant's grant (lowers the profile's budget, never raises it). */
  budgetUsd: z.number(),
  /** Where the run starts on its tenant's rate-limit time line (`TenantRegistry.elapsedMs`). */
  startedAtMs: z.number(),
  /** The tenant's limits need the HTTP thread (`admit` / `settle`); false: the thread asks nothing. */
  rateLimited: z.boolean(),
});
export type ThreadRunStart = z.infer<typeof ThreadRunStartSchema>;

/** HTTP thread → run thread, on the run's port. `n` numbers control commands, so a stale `held` is told apart. */
export const ToThreadMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('control'), command: z.enum(['hold', 'resume', 'step']), n: z.number().int() }),
  z.object({ kind: z.literal('abort'), reason: z.string() }),
  z.object({ kind: z.literal('flush'), req: z.number().int() }),
  z.object({ kind: z.literal('close'), req: z.number().int() }),
  z.object({ kind: z.literal('admitted'), req: z.number().int(), waitMs: z.number() }),
  z.object({
    kind: z.literal('refused'),
    req: z.number().int(),
    tenant: z.string(),
    limit: z.enum(['requests', 'tokens']),
    waitMs: z.number(),
    maxWaitMs: z.number(),
  }),
]);
export type ToThreadMessage = z.infer<typeof ToThreadMessageSchema>;

/** Run thread → HTTP thread, on the run's port. */
export const FromThreadMessageSchema = z.discriminatedUnion('kind', [
  /** Events in journal order (each appended to the journal before it was sent), and append latencies for the metrics. */
  z.object({ kind: z.literal('events'), events: z.array(EventShape), appendSeconds: z.array(z.number()) }),
  /** Held at a checkpoint (or released: null), having applied control commands up to `n`. */
  z.object({ kind: z.literal('held'), at: HeldAtSchema.nullable(), n: z.number().int() }),
  z.object({ kind: z.literal('admit'), req: z.number().int(), estimate: z.number(), at: z.number() }),
  z.object({ kind: z.literal('settle'), estimate: z.number(), used: z.number(), at: z.number() }),
  z.object({ kind: z.literal('flushed'), req: z.number().int(), error: z.string().nullable() }),
  z.object({ kind: z.literal('closed'), req: z.number().int(), error: z.string().nullable() }),
  z.object({ kind: z.literal('ended'), status: RunStatus, reason: z.string().nullable() }),
  /** The engine or the journal threw (a bug, a full disk): the run is over. */
  z.object({ kind: z.literal('failed'), message: z.string() }),
]);
export type FromThreadMessage = z.infer<typeof FromThreadMessageSchema>;
