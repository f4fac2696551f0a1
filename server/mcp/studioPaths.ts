import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** `${squad:dist}`: the directory of Squad Studio's own bundles, where its sample servers are built. */
const REFERENCE = /\$\{squad:([a-z]+)\}/g;

/**
 * Expands `${squad:dist}` in a server's command, arguments or cwd. Samples that ship with Squad
 * Studio (the credit bureau) start from there wherever the squad file was copied to, a workspace
 * of the user's or a test's temporary directory. An unknown `${squad:…}` name is an error.
 */
export function expandStudioPaths(value: string, where: string): string {
  return value.replace(REFERENCE, (_, name: string) => {
    if (name !== 'dist') throw new Error(`${where}: unknown reference \${squad:${name}} (known: \${squad:dist})`);
    return join(packageRoot(), 'dist');
  });
}

/** The nearest directory above this module with Squad Studio's package.json (dist/ when bundled, the repository from source). */
function packageRoot(): string {
  let dir = __dirname;
  // Bounded by the depth of the file system.
  for (let i = 0; i < 32; i++) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && /"name":\s*"squad-studio"/.test(readFileSync(manifest, 'utf8'))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error('cannot find the Squad Studio package around ' + __dirname);
}
