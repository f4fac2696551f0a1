// dist/cli.js, the `squad` bin: as little as a process needs before the command's bundle runs.
import { join } from 'node:path';
import { version } from '../../package.json';
import { runWithCodeCache } from './codeCache';
import { tuneHeap } from './startupTuning';
import { commandUsage } from './usage';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without the bundle: the start-up bench's baseline command.
  process.stdout.write(`${version}\n`);
} else {
  tuneHeap();
  // dist/cli-main.js is server/cli/cli.ts with every command; dist/.cache holds its V8 code cache,
  // one per command (anything else, `--help` or a typo, shares one).
  // SQUAD_CODE_CACHE=off compiles the bundle from source; =report says on stderr what the cache did.
  const setting = process.env['SQUAD_CODE_CACHE'];
  const path = args[0] !== undefined && /^[a-z]+$/.test(args[0]) && commandUsage(args[0]) !== null ? args[0] : 'other';
  const use = runWithCodeCache(join(__dirname, 'cli-main.js'), setting === 'off' ? null : { dir: join(__dirname, '.cache'), path });
  if (setting === 'report') process.stderr.write(`squad: code cache ${use}\n`);
}
