import { parseArgs } from 'node:util';
import { version } from '../../package.json';
import { JournalError } from '../store/journalError';
import { ExitCode, UsageError, type CliIo } from './cliIo';
import { commandUsage, USAGE } from './usage';
import { MAX_RUN_SEED } from '../../protocol/maxRunSeed';

const INPUT_ERRNO = new Set(['EEXIST', 'ENOENT', 'EACCES', 'EISDIR', 'ENOTDIR']);

/** The `squad` command line. Returns the exit code; never throws for bad input. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      const command = argv[0] !== undefined && commandUsage(argv[0]) !== null ? `squad ${argv[0]}` : 'squad';
      io.stderr.write(`squad: ${error.message}\nRun "${command} --help" for usage.\n`);
      return ExitCode.invalidInput;
    }
    // A journal that cannot be written or read as asked names its file (and line) in the message: no
    // stack trace. It is the user's input (exists already, missing, corrupt) unless the disk failed.
    if (error instanceof JournalError) {
      io.stderr.write(`squad: ${error.message}\n`);
      return error.code === undefined || INPUT_ERRNO.has(error.code) ? ExitCode.invalidInput : ExitCode.failed;
    }
    // Anything else is a bug or an environment failure (disk full): say what, keep the stack for bugs.
    io.stderr.write(`squad: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return ExitCode.failed;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' && rest[0] !== undefined) {
    const own = commandUsage(rest[0]);
    if (own === null) throw new UsageError(`unknown command "${rest[0]}"`);
    io.stdout.write(own);
    return ExitCode.completed;
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined ? ExitCode.invalidInput : ExitCode.completed;
  }
  if (command === '--version' || command === '-v') {
    io.stdout.write(`${version}\n`);
    return ExitCode.completed;
  }
  // `squad COMMAND --help` (or -h) before its options are parsed, so it answers even beside a typo.
  const own = commandUsage(command);
  if (own !== null && wantsHelp(rest)) {
    io.stdout.write(own);
    return ExitCode.completed;
  }
  // Each command's code is imported when it runs: `squad --version` and `squad validate` do not
  // load the engine, the providers' SDKs or the server (start-up figures: `npm run bench`).
  switch (command) {
    case 'run': {
      const { runCommand } = await import('./runCommand');
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          profile: { type: 'string', default: 'local' },
          seed: { type: 'string' },
          tenant: { type: 'string', default: 'default' },
          journal: { type: 'string' },
          workspace: { type: 'string', default: '.' },
          json: { type: 'boolean', default: false },
          yes: { type: 'boolean', short: 'y', default: false },
        },
      });
      if (positionals.length !== 1) throw new UsageError(`run takes one squad file, got ${positionals.length}`);
      return runCommand(
        {
          file: positionals[0]!,
          profile: values.profile,
          seed: values.seed === undefined ? undefined : parseSeed(values.seed),
          tenant: values.tenant,
          journal: values.journal,
          workspace: values.workspace,
          json: values.json,
          yes: values.yes,
        },
        io,
      );
    }
    case 'replay': {
      const { replayCommand } = await import('./replayCommand');
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: { squad: { type: 'string' }, workspace: { type: 'string', default: '.' }, step: { type: 'boolean', default: false }, json: { type: 'boolean', default: false } },
      });
      if (positionals.length !== 1) throw new UsageError(`replay takes one journal (a path or a run id), got ${positionals.length}`);
      return replayCommand({ journal: positionals[0]!, squad: values.squad, workspace: values.workspace, step: values.step, json: values.json }, io);
    }
    case 'fork': {
      const { forkCommand } = await import('./forkCommand');
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          at: { type: 'string' },
          edit: { type: 'string' },
          workspace: { type: 'string', default: '.' },
          json: { type: 'boolean', default: false },
          yes: { type: 'boolean', short: 'y', default: false },
        },
      });
      if (positionals.length !== 1) throw new UsageError(`fork takes one journal (a path or a run id), got ${positionals.length}`);
      if (values.at === undefined) throw new UsageError('fork needs --at SEQ, the last event to keep from the parent');
      if (!/^\d+$/.test(values.at)) throw new UsageError(`--at "${values.at}": use a whole number, the seq of the last event to keep from the parent`);
      return forkCommand({ journal: positionals[0]!, at: Number(values.at), edit: values.edit, workspace: values.workspace, json: values.json, yes: values.yes }, io);
    }
    case 'diff': {
      const { diffCommand } = await import('./diffCommand');
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: { workspace: { type: 'string', default: '.' }, json: { type: 'boolean', default: false } },
      });
      if (positionals.length !== 2) throw new UsageError(`diff takes two journals, got ${positionals.length}`);
      return diffCommand({ a: positionals[0]!, b: positionals[1]!, workspace: values.workspace, json: values.json }, io);
    }
    case 'resume': {
      const { resumeCommand } = await import('./resumeCommand');
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: { workspace: { type: 'string', default: '.' }, json: { type: 'boolean', default: false }, yes: { type: 'boolean', short: 'y', default: false } },
      });
      if (positionals.length !== 1) throw new UsageError(`resume takes one journal (a path or a run id), got ${positionals.length}`);
      return resumeCommand({ journal: positionals[0]!, workspace: values.workspace, json: values.json, yes: values.yes }, io);
    }
    case 'validate': {
      const { validateCommand } = await import('./validateCommand');
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, strict: true, options: {} });
      return validateCommand(positionals, io);
    }
    case 'serve': {
      const { SERVE_OPTIONS } = await import('./serverCommandOptions');
      const { argsWithEnv } = await import('./envConfig');
      // Every flag also reads its SQUAD_* variable (envConfig.ts); the command line wins.
      const { values: v } = parseArgs({ args: argsWithEnv('serve', rest, io.env, Object.keys(SERVE_OPTIONS)), allowPositionals: false, strict: true, options: SERVE_OPTIONS });
      const { serveCommand } = await import('./serveCommand');
      return serveCommand(
        {
          port: v.port,
          host: v.host ?? '127.0.0.1',
          workspace: v.workspace ?? '.',
          otlp: v.otlp,
          tenants: v.tenants,
          allowOrigin: v['allow-origin'] ?? [],
          resume: v.resume ?? false,
          allowInline: v['allow-inline'] ?? false,
          envAllow: v['env-allow'] ?? [],
          allowHost: v['allow-host'] ?? [],
          readOnly: v['read-only'] ?? false,
          store: v.store,
          ...(v.workers !== undefined ? { workers: v.workers } : {}),
          ...(v.concurrency !== undefined ? { concurrency: v.concurrency } : {}),
          ...(v['lease-ms'] !== undefined ? { leaseMs: v['lease-ms'] } : {}),
          token: v.token,
          trustedProxy: v['trusted-proxy'] ?? [],
          publicUrl: v['public-url'] ?? [],
          shutdownGrace: v['shutdown-grace'],
          runThreads: v['run-threads'],
        },
        io,
      );
    }
    case 'worker': {
      const { WORKER_OPTIONS } = await import('./serverCommandOptions');
      const { argsWithEnv } = await import('./envConfig');
      const { values: v, positionals } = parseArgs({ args: argsWithEnv('worker', rest, io.env, Object.keys(WORKER_OPTIONS)), allowPositionals: true, strict: true, options: WORKER_OPTIONS });
      if (positionals.length > 0) throw new UsageError(`worker takes no file, got ${positionals.join(' ')}`);
      const { workerCommand } = await import('./workerCommand');
      return workerCommand(
        {
          store: v.store,
          concurrency: v.concurrency ?? '4',
          leaseMs: v['lease-ms'] ?? '5000',
          tenants: v.tenants,
          shutdownGrace: v['shutdown-grace'],
          healthPort: v['health-port'],
          healthHost: v['health-host'] ?? '127.0.0.1',
          otlp: v.otlp,
        },
        io,
      );
    }
    case 'export': {
      const { EXPORT_OPTIONS } = await import('./serverCommandOptions');
      const { argsWithEnv } = await import('./envConfig');
      const { values: v, positionals } = parseArgs({ args: argsWithEnv('export', rest, io.env, Object.keys(EXPORT_OPTIONS)), allowPositionals: true, strict: true, options: EXPORT_OPTIONS });
      if (positionals.length !== 1) throw new UsageError(`export takes one run id, got ${positionals.length}`);
      const { exportCommand } = await import('./exportCommand');
      return exportCommand({ run: positionals[0]!, store: v.store, out: v.out }, io);
    }
    case 'load': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          runs: { type: 'string', default: '100' },
          concurrency: { type: 'string', default: '8' },
          tenants: { type: 'string', default: '1' },
          spike: { type: 'string' },
          profile: { type: 'string', default: 'local' },
          seed: { type: 'string', default: '1' },
          server: { type: 'string' },
          workspace: { type: 'string', default: '.' },
          'tenants-file': { type: 'string' },
          'max-seconds': { type: 'string', default: '300' },
          json: { type: 'boolean', default: false },
          yes: { type: 'boolean', short: 'y', default: false },
        },
      });
      if (positionals.length !== 1) throw new UsageError(`load takes one squad file, got ${positionals.length}`);
      const { loadCommand } = await import('./loadCommand');
      return loadCommand(
        {
          file: positionals[0]!,
          runs: values.runs,
          concurrency: values.concurrency,
          tenants: values.tenants,
          spike: values.spike,
          profile: values.profile,
          seed: values.seed,
          server: values.server,
          workspace: values.workspace,
          tenantsFile: values['tenants-file'],
          maxSeconds: values['max-seconds'],
          json: values.json,
          yes: values.yes,
        },
        io,
      );
    }
    case 'test': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          journals: { type: 'string' },
          junit: { type: 'string' },
          json: { type: 'boolean', default: false },
          workspace: { type: 'string', default: '.' },
          case: { type: 'string', multiple: true, default: [] },
          concurrency: { type: 'string' },
          yes: { type: 'boolean', short: 'y', default: false },
        },
      });
      const concurrency = values.concurrency === undefined ? undefined : positiveInt('--concurrency', values.concurrency, 256);
      const { testCommand } = await import('./testCommand');
      return testCommand({ paths: positionals, journals: values.journals, junit: values.junit, json: values.json, workspace: values.workspace, only: values.case, concurrency, yes: values.yes }, io);
    }
    case 'forecast': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          profile: { type: 'string', default: 'production' },
          'runs-per-day': { type: 'string' },
          days: { type: 'string', default: '30' },
          seeds: { type: 'string' },
          tenants: { type: 'string' },
          'peak-factor': { type: 'string', default: '3' },
          json: { type: 'boolean', default: false },
          concurrency: { type: 'string' },
          yes: { type: 'boolean', short: 'y', default: false },
        },
      });
      if (positionals.length !== 1) throw new UsageError(`forecast takes one squad file, got ${positionals.length}`);
      if (values['runs-per-day'] === undefined) throw new UsageError('forecast needs --runs-per-day N, the volume to forecast');
      const peak = Number(values['peak-factor']);
      if (!Number.isFinite(peak) || peak < 1 || peak > 24) throw new UsageError(`--peak-factor "${values['peak-factor']}": use a number from 1 to 24`);
      const { forecastCommand } = await import('./forecastCommand');
      return forecastCommand(
        {
          file: positionals[0]!,
          profile: values.profile,
          runsPerDay: positiveInt('--runs-per-day', values['runs-per-day'], 1e9),
          days: positiveInt('--days', values.days, 3660),
          seeds: values.seeds === undefined ? undefined : positiveInt('--seeds', values.seeds, 100_000),
          tenants: values.tenants,
          peakFactor: peak,
          json: values.json,
          concurrency: values.concurrency === undefined ? undefined : positiveInt('--concurrency', values.concurrency, 256),
          yes: values.yes,
        },
        io,
      );
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

/** `--help` or `-h` among a command's arguments, before a `--` that ends the options. */
function wantsHelp(args: string[]): boolean {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

function positiveInt(flag: string, text: string, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max) throw new UsageError(`${flag} "${text}": use a whole number from 1 to ${max}`);
  return Number(text);
}

function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_RUN_SEED) throw new UsageError(`--seed "${text}": use a whole number from 0 to ${MAX_RUN_SEED}`);
  return Number(text);
}

/** node:util parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for unknown or malformed options. */
function isParseArgsError(error: unknown): error is TypeError {
  return error instanceof TypeError && 'code' in error && typeof error.code === 'string' && error.code.startsWith('ERR_PARSE_ARGS');
}
