/** Characters of a server's own words (an error message, a reason) kept in what the run journals. */
export const MAX_SERVER_TEXT = 2000;

/**
 * A string a tool server chose (a JSON-RPC error message, its stderr, a name) cut to `max`
 * characters with a marker that says how much was left out, so a hostile server cannot put megabytes
 * into an error that goes to a model and the journal. Deterministic: the same text, the same cut.
 */
export function serverText(text: string, max = MAX_SERVER_TEXT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}… [${text.length - max} more characters left out]`;
}
