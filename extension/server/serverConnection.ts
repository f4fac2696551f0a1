import { z } from 'zod';

/** Where the local server is and the bearer token that opens it. Never logged: the token is a secret. */
export interface ServerConnection {
  url: string;
  token: string;
  /** True when this extension started the server (and stops it with the window). */
  owned: boolean;
}

/** `.squad/server.json` as a client reads it (checked: it is a file on disk anyone could have written). */
export const ServerFileSchema = z.object({ url: z.url(), token: z.string().min(1), pid: z.number().int() });

/** The line `squad serve` prints once it listens. */
export function listeningUrlOf(line: string): string | null {
  const match = /squad server listening on (http:\/\/\S+)/.exec(line);
  return match?.[1] ?? null;
}
