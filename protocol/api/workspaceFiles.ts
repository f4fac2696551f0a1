import { z } from 'zod';
import { SquadLayoutSchema } from '../webview/squadLayout';
import { MAX_SQUAD_SOURCE_BYTES } from './startRunRequest';

/**
 * The squad files of the server's workspace, for the browser's editor: list, read, write, and each
 * file's layout sidecar. Paths are relative to the workspace and must name a `*.squad.yaml` (or
 * `.yml`) file inside it; nothing else of the disk is readable or writable through the API.
 */
export const SquadPathSchema = z
  .string()
  .min(1)
  .max(1024)
  .regex(/\.squad\.ya?ml$/, 'a squad file path ends in .squad.yaml or .squad.yml');

/** `GET /api/files` */
export const SquadFileListResponseSchema = z.object({ files: z.array(z.string()) });

/** `GET /api/files/content?path=` */
export const SquadFileQuerySchema = z.object({ path: SquadPathSchema }).strict();
/** The text and a version: the file's modification time in ms, to refuse writes over newer text. */
export const SquadFileContentSchema = z.object({ path: z.string(), text: z.string(), version: z.number().int().nonnegative() });

/** `PUT /api/files/content`: 409 when the file changed since `baseVersion`. */
export const SquadFileWriteSchema = z.object({ path: SquadPathSchema, text: z.string().max(MAX_SQUAD_SOURCE_BYTES), baseVersion: z.number().int().nonnegative() }).strict();
export const SquadFileWriteResponseSchema = z.object({ version: z.number().int().nonnegative() });

/** `GET /api/layouts?path=` and `PUT /api/layouts` (body `{path, layout}`). */
export const LayoutResponseSchema = z.object({ layout: SquadLayoutSchema.nullable() });
export const LayoutWriteSchema = z.object({ path: SquadPathSchema, layout: SquadLayoutSchema }).strict();
