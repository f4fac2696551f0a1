import { chmod, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { makeDirectory } from '../store/makeDirectory';

/** `.squad/server.json`: how a client of this workspace finds the server and proves it may use it. */
export const ServerFileSchema = z.object({
  url: z.string(),
  token: z.string(),
  pid: z.number().int(),
  workspace: z.string(),
  version: z.string(),
  startedAt: z.string(),
});
export type ServerFile = z.infer<typeof ServerFileSchema>;

export function serverFilePath(workspace: string): string {
  return join(workspace, '.squad', 'server.json');
}

/**
 * Writes the file readable by its owner only (0600: it holds the token), atomically (a temporary file
 * created 0600, then renamed), so no reader sees half a file and no moment exists where the token is
 * readable by others.
 */
export async function writeServerFile(workspace: string, content: ServerFile): Promise<string> {
  const path = serverFilePath(workspace);
  await makeDirectory(join(workspace, '.squad'));
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  await chmod(temp, 0o600); // in case the temporary file existed with other permissions
  await rename(temp, path);
  return path;
}

/** Reads and validates the file; null when there is none or it is not a server file. */
export async function readServerFile(workspace: string): Promise<ServerFile | null> {
  try {
    const parsed = ServerFileSchema.safeParse(JSON.parse(await readFile(serverFilePath(workspace), 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Removes the file if it is still this server's (another server may have started since). */
export async function removeServerFile(workspace: string, token: string): Promise<void> {
  const current = await readServerFile(workspace);
  if (current?.token === token) await rm(serverFilePath(workspace), { force: true });
}
