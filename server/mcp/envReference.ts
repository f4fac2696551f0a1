/** `${env:NAME}` in a value: NAME is read from squad's own environment when the server starts. */
const REFERENCE = /\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g;

export class MissingEnvError extends Error {}

/**
 * Expands `${env:NAME}` references in each value. Secrets (API tokens in headers, keys in a
 * server's environment) stay out of the squad file, which every journal embeds whole. A reference
 * to a variable that is not set is an error naming it, never an empty string sent on.
 */
export function expandEnvReferences(values: Readonly<Record<string, string>>, env: Readonly<Record<string, string | undefined>>, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = value.replace(REFERENCE, (_, name: string) => {
      const v = env[name];
      if (v === undefined) throw new MissingEnvError(`${where}.${key} uses \${env:${name}}, but ${name} is not set`);
      return v;
    });
  }
  return out;
}
