import { z } from 'zod';

/** A squad file as the editor sees it: its path (relative to the workspace), text and version. */
export const SquadFileTextSchema = z.object({
  path: z.string().min(1).max(1024),
  text: z.string(),
  /**
   * Increases with every change the host knows of. An edit names the version it was made on, so the
   * host can refuse an edit made on text that changed meanwhile (it answers `conflict`).
   */
  version: z.number().int().nonnegative(),
  /**
   * True when the host holds changes not yet saved (VS Code's dirty document). Absent from a host that
   * keeps no unsaved state (the server writes every edit it accepts; the page then keeps its own).
   */
  dirty: z.boolean().optional(),
});
export type SquadFileText = z.infer<typeof SquadFileTextSchema>;
