/**
 * Which of the user's secrets go where: pure functions, apart from VS Code, so the rules are tested
 * directly. The debug adapter gets only the stored keys a squad file lists in `env:`; a token for a
 * server the user runs is stored under that server's origin and never sent to another.
 */

/** The entries of `stored` whose names are in `declared`. */
export function keysNamed(stored: Readonly<Record<string, string>>, declared: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(stored).filter(([name]) => declared.includes(name)));
}

/** The SecretStorage key of the token for the server at `url`: one per origin (scheme, host, port). */
export function serverTokenSecret(url: string): string {
  return `squadStudio.serverToken:${originOf(url)}`;
}

export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}
