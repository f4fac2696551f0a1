/**
 * The message of a thrown value, for an error report or a refusal: an Error's message, anything else
 * as a string. Browser-safe, so the server, the extension and the web app word errors alike.
 */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
