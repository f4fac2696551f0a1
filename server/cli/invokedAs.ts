import { basename, relative, sep } from 'node:path';

/**
 * How to type this CLI again, for the hints it prints (`rerun: …`, `… resume RUN`): `squad` when it
 * was started by that name from PATH (an installed or `npm link`ed bin), `npx squad` from a
 * project's node_modules/.bin, else `node PATH/TO/cli.js` relative to the working directory (a
 * clone, where `squad` is not on PATH).
 */
export function invokedAs(script: string | undefined, cwd: string): string {
  if (!script) return 'squad';
  const parts = script.split(/[\\/]/);
  if (basename(script) === 'squad' || basename(script) === 'squad.cmd') {
    return parts.includes('node_modules') && parts.at(-2) === '.bin' ? 'npx squad' : 'squad';
  }
  const path = relative(cwd, script) || script;
  return `node ${path.includes(' ') ? JSON.stringify(path) : path.split(sep).join('/')}`;
}
