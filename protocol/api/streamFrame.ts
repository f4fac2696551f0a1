import { z } from 'zod';
import { RunEventSchema } from '../runEvent';
import { RunInfoSchema, RunStateSchema } from './runInfo';
import { TenantIdSchema } from './tenantId';

/** The largest frame a client may send; the server closes the connection (1009) on a bigger one. */
export const MAX_CLIENT_FRAME_BYTES = 16 * 1024;

/** A subscription's id, chosen by the client, unique per connection; every server frame names it. */
const SubId = z.string().min(1).max(64);

/**
 * Client → server frames on `/api/stream`.
 *
 * - `subscribe`: one run's events from `fromSeq` (default 1): catch-up from the journal, then live,
 *   each event exactly once and in seq order, across `lagged` fallbacks too.
 * - `subscribe.tenant`: every run of a tenant: a `run` frame whenever one is queued, starts, pauses,
 *   resumes or ends, and (with `events`) the events of each run in flight, from seq 1 or from `since`.
 * - `unsubscribe`.
 */
export const ClientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), id: SubId, run: z.string().min(1).max(256), fromSeq: z.number().int().min(1).default(1) }).strict(),
  z
    .object({
      type: z.literal('subscribe.tenant'),
      id: SubId,
      tenant: TenantIdSchema,
      events: z.boolean().default(true),
      /** For a reconnecting client: the next seq it needs of each run it was following. */
      since: z.record(z.string().max(256), z.number().int().min(1)).default({}),
    })
    .strict(),
  z.object({ type: z.literal('unsubscribe'), id: SubId }).strict(),
]);
export type ClientFrame = z.infer<typeof ClientFrameSchema>;

/**
 * Server → client frames.
 *
 * - `events`: a batch of one run's events, consecutive seqs.
 * - `lagged`: the client fell behind; the server dropped what it had queued and goes on from the
 *   journal at `nextSeq` (no action needed, the events still arrive exactly once, in order).
 * - `end`: every event of the run was sent and the run has ended.
 * - `error`: a frame was refused (bad JSON, unknown run, forbidden tenant); the connection stays open.
 */
export const ServerFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), id: SubId }),
  z.object({ type: z.literal('events'), id: SubId, run: z.string(), events: z.array(RunEventSchema) }),
  z.object({ type: z.literal('run'), id: SubId, run: RunInfoSchema }),
  z.object({ type: z.literal('lagged'), id: SubId, run: z.string(), nextSeq: z.number().int().positive() }),
  z.object({ type: z.literal('end'), id: SubId, run: z.string(), state: RunStateSchema }),
  z.object({ type: z.literal('unsubscribed'), id: SubId }),
  z.object({ type: z.literal('error'), id: SubId.nullable(), error: z.string(), field: z.string().optional() }),
]);
export type ServerFrame = z.infer<typeof ServerFrameSchema>;
