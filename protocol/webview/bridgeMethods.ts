import { z } from 'zod';
import { JournalPageSchema, RunDetailSchema, RunInfoSchema, RunStateSchema } from '../api/runInfo';
import { FleetInfoSchema } from '../api/fleetInfo';
import { TenantInfoSchema } from '../api/tenantInfo';
import { TenantIdSchema } from '../api/tenantId';
import { DiffResponseSchema } from '../api/replayResponse';
import { ForecastRequestSchema } from '../api/forecastRequest';
import { ForecastSchema } from '../api/forecastResponse';
import { SquadFileTextSchema } from './squadFileText';
import { SquadLayoutSchema } from './squadLayout';
import { RunSeedSchema } from '../runSeed';

const Path = z.string().min(1).max(1024);
const RunId = z.string().min(1).max(256);

/**
 * Every request the webview makes of its host, with its params and result schemas. The same table
 * serves both hosts: the VS Code extension (over postMessage) and the local server (the browser's
 * bridge maps each to the HTTP API). A host that cannot do one (fork, diff before the server has
 * them) answers with the error code `unsupported`, and the UI hides what depends on it.
 */
export const BridgeMethods = {
  /** The squad files of the workspace, for the file picker. */
  'squad.list': { params: z.object({}).strict(), result: z.object({ files: z.array(Path) }) },
  'squad.open': { params: z.object({ path: Path }).strict(), result: SquadFileTextSchema },
  /** Replaces the file's text (the host applies it as a minimal edit, so undo and comments work). */
  'squad.edit': {
    params: z.object({ path: Path, text: z.string(), baseVersion: z.number().int().nonnegative() }).strict(),
    result: z.object({ version: z.number().int().nonnegative(), dirty: z.boolean().optional() }),
  },
  'layout.load': { params: z.object({ path: Path }).strict(), result: z.object({ layout: SquadLayoutSchema.nullable() }) },
  'layout.save': { params: z.object({ path: Path, layout: SquadLayoutSchema }).strict(), result: z.object({}) },
  'runs.list': { params: z.object({ limit: z.number().int().min(1).max(1000).default(100) }).strict(), result: z.object({ runs: z.array(RunInfoSchema) }) },
  'run.detail': { params: z.object({ run: RunId }).strict(), result: RunDetailSchema },
  'run.start': {
    params: z
      .object({
        path: Path,
        profile: z.string().min(1).max(64).default('local'),
        seed: RunSeedSchema.optional(),
        tenant: TenantIdSchema.optional(),
        paused: z.boolean().default(false),
      })
      .strict(),
    result: RunInfoSchema,
  },
  'run.control': {
    params: z.object({ run: RunId, action: z.enum(['pause', 'resume', 'step', 'cancel']) }).strict(),
    result: RunInfoSchema,
  },
  'run.journal': {
    params: z.object({ run: RunId, fromSeq: z.number().int().min(1).default(1), limit: z.number().int().min(1).max(10_000).default(10_000) }).strict(),
    result: JournalPageSchema,
  },
  /** Live events of a run from `fromSeq`: the host pushes `run.events` then `run.end` under `sub`. */
  'run.subscribe': { params: z.object({ sub: z.string().min(1).max(64), run: RunId, fromSeq: z.number().int().min(1).default(1) }).strict(), result: z.object({}) },
  'run.unsubscribe': { params: z.object({ sub: z.string().min(1).max(64) }).strict(), result: z.object({}) },
  'tenants.list': { params: z.object({}).strict(), result: z.object({ tenants: z.array(TenantInfoSchema) }) },
  /** The Fleet view: workers and their runs, the queue, tenants' spend today, trips of the last hour. */
  'fleet.get': { params: z.object({}).strict(), result: FleetInfoSchema },
  /**
   * A new run that replays the finished run `run` up to and including event `seq`, then goes on
   * live; answers the new run (its `id` opens it). `conflict` while `run` is still going.
   */
  'run.fork': { params: z.object({ run: RunId, seq: z.number().int().min(1) }).strict(), result: RunInfoSchema },
  /** Where two finished runs part and what each cost (`a` is the "expected" side of `parting`). */
  'run.diff': { params: z.object({ a: RunId, b: RunId }).strict(), result: DiffResponseSchema },
  /** `squad forecast` of a squad file (seeded runs under a profile): cost distribution, per agent, per tenant. */
  'forecast.run': { params: ForecastRequestSchema, result: ForecastSchema },
} as const;

export type BridgeMethod = keyof typeof BridgeMethods;
export type BridgeParams<M extends BridgeMethod> = z.input<(typeof BridgeMethods)[M]['params']>;
export type BridgeParsedParams<M extends BridgeMethod> = z.output<(typeof BridgeMethods)[M]['params']>;
export type BridgeResult<M extends BridgeMethod> = z.output<(typeof BridgeMethods)[M]['result']>;

export const BridgeMethodSchema = z.enum(Object.keys(BridgeMethods) as [BridgeMethod, ...BridgeMethod[]]);

/** Pushed by the host without a request. */
export const HostEventSchema = z.discriminatedUnion('type', [
  /** The squad file changed outside the graph (typed in the text editor, git checkout, …). */
  z.object({ type: z.literal('squad.changed'), file: SquadFileTextSchema }),
  z.object({ type: z.literal('run.events'), sub: z.string(), run: z.string(), events: JournalPageSchema.shape.events }),
  z.object({ type: z.literal('run.end'), sub: z.string(), run: z.string(), state: RunStateSchema }),
  /**
   * Where a debug session on this squad file is stopped (the agent about to take its turn, and the
   * hand-off `agent → to` when stopped before a message is sent), or null once it goes on or ends.
   */
  z.object({
    type: z.literal('debug.stopped'),
    path: Path,
    stop: z.object({ agent: z.string().min(1), to: z.string().min(1).nullable(), line: z.number().int().min(1), label: z.string() }).nullable(),
  }),
  /** What the host wants shown (a custom editor opens a file; "Show Run" opens a run). With `run`, `path` is that run's squad file. */
  z.object({
    type: z.literal('show'),
    view: z.enum(['editor', 'run', 'replay']),
    path: Path.optional(),
    run: RunId.optional(),
  }),
]);
export type HostEvent = z.infer<typeof HostEventSchema>;
