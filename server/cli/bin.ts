// dist/cli.js, the `squad` bin: as little as a process needs before the command's bundle runs.
import { join } from 'node:path';
import { version } from '../../package.json';
import { runWithCodeCache } from './codeCache';
import { tuneHeap } from './startupTuning';
import { commandUsage } from './usage';

const args = process.argv.slice(2);
// SQUAD_CODE_CACHE=off compiles the bundle from source; =report says on stderr what the cache did.
const setting = process.env['SQUAD_CODE_CACHE'] ?? '';
if (args.length === 1 && (args[0] === '--version' || args[0] === '-v')) {
  // Answered without the bundle: the start-up bench's baseline command.
  process.stdout.write(`${version}\n`);
} else if (setting !== '' && setting !== 'off' && setting !== 'report') {
  process.stderr.write(`squad: SQUAD_CODE_CACHE="${setting}": use off or report, or leave it unset\n`);
  process.exitCode = 2; // as any other bad input (ExitCode.invalidInput)
} else {
  tuneHeap();
  // dist/cli-main.js is server/cli/cli.ts with every command; dist/.cache holds its V8 code cache,
  // one per command (anything else, `--help` or a typo, shares one).
  const path = args[0] !== undefined && commandUsage(args[0]) !== null ? args[0] : 'other';
  const use = runWithCodeCache(join(__dirname, 'cli-main.js'), setting === 'off' ? null : { dir: join(__dirname, '.cache'), path });
  if (setting === 'report') process.stderr.write(`squad: code cache ${use}\n`);
}
