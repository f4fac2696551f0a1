/**
 * Removes every secret from a text that may leave the provider (an error message that reaches the
 * journal, a log line, the API). SDKs and gateways sometimes echo a key back ("Incorrect API key
 * provided: sk-…"), partly masked or whole; both forms are caught: the whole value, and any run of 8
 * or more of its characters, which is what a masked echo keeps.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join('[redacted]');
    if (secret.length >= MIN_FRAGMENT * 2) {
      for (const fragment of [secret.slice(0, MIN_FRAGMENT * 2), secret.slice(-MIN_FRAGMENT)]) {
        out = out.split(fragment).join('[redacted]');
      }
    }
  }
  return out;
}

/** Shorter fragments than this are too common to be evidence of a key (and would mangle text). */
const MIN_FRAGMENT = 8;
