import { z } from 'zod';

/**
 * Where the user put each node of a squad's graph. Kept in a sidecar file
 * (`.squad/layout/<squad file path>.json`), not in the squad file: the squad schema is strict, a
 * layout is a view preference and not part of what runs, and moving a node must not dirty the file a
 * reviewer diffs. Nodes without a position are placed by the automatic layout.
 */
export const SquadLayoutSchema = z
  .object({
    version: z.literal(1),
    /** Node id (`agent:<name>` or `server:<name>`) → top-left corner in graph coordinates. */
    nodes: z.record(z.string().max(200), z.object({ x: z.number(), y: z.number() }).strict()),
  })
  .strict();
export type SquadLayout = z.infer<typeof SquadLayoutSchema>;
