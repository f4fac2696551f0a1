import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { cp, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { join, posix, relative } from 'node:path';
import ignore from '@balena/dockerignore';
import { Copy, DockerfileParser, Env, type Instruction } from 'dockerfile-ast';

/** What `docker build` would record about the image besides its files. */
export interface ImageConfig {
  /** The final stage's file system, as a directory: `/app` of the image is `<root>/app`. */
  root: string;
  env: Record<string, string>;
  workdir: string;
  user: string | null;
  entrypoint: string[];
  cmd: string[];
  /** The HEALTHCHECK's command, exec form. */
  healthcheck: string[] | null;
  exposed: string[];
  volumes: string[];
}

export interface BuildOptions {
  /** The build context (the repository). `.dockerignore` in it filters what `COPY` from it sees. */
  context: string;
  dockerfile?: string;
  /** Where the stages' file systems go: `<out>/<n>-<stage>`. */
  out: string;
  /**
   * RUN steps that are not run as written, keyed `stage: command` exactly as in the Dockerfile, with
   * what to do instead (e.g. link an `npm ci` that this machine has already done). Every RUN without
   * one runs for real, with `sh -c` in the stage's WORKDIR.
   */
  substitute?: Record<string, (stage: { root: string; workdir: string }) => Promise<void>>;
  /** Extra environment for RUN steps (a package cache). */
  runEnv?: NodeJS.ProcessEnv;
  /** One line per step, for a progress display. */
  onStep?: (line: string) => void;
}

const execFileAsync = promisify(execFile);

interface Stage {
  name: string | null;
  root: string;
  workdir: string;
  env: Record<string, string>;
}

/**
 * Builds an image's contents as a directory by the Dockerfile's own steps, for machines without a
 * container engine: each stage is a directory standing for its root file system; FROM starts an empty
 * one (the base image's files are this machine's: its `node`, `npm` and `sh`), WORKDIR/ENV are
 * tracked, COPY copies from the build context (through `.dockerignore`) or from an earlier stage, and
 * RUN runs the command in the stage's WORKDIR with every absolute path in it moved under the stage's
 * directory. USER, ENTRYPOINT, CMD, HEALTHCHECK, EXPOSE and VOLUME of the last stage are returned.
 * Instructions it does not know throw: a step silently skipped would make the directory a lie.
 */
export async function buildImageDirectory(o: BuildOptions): Promise<ImageConfig> {
  const text = await readFile(o.dockerfile ?? join(o.context, 'Dockerfile'), 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const filter = ignore().add(await readFile(join(o.context, '.dockerignore'), 'utf8').catch(() => ''));
  const stages: Stage[] = [];
  const config: Omit<ImageConfig, 'root' | 'env' | 'workdir'> = { user: null, entrypoint: [], cmd: [], healthcheck: null, exposed: [], volumes: [] };
  const froms = dockerfile.getFROMs();
  for (const instruction of dockerfile.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    const where = `Dockerfile:${line}`;
    if (keyword === 'FROM') {
      const from = froms.find((f) => f.getRange().start.line === line - 1);
      const name = from?.getBuildStage() ?? null;
      const root = join(o.out, `${stages.length}-${name ?? 'image'}`);
      await mkdir(root, { recursive: true });
      stages.push({ name, root, workdir: '/', env: {} });
      Object.assign(config, { user: null, entrypoint: [], cmd: [], healthcheck: null, exposed: [], volumes: [] });
      o.onStep?.(`${where} FROM ${from?.getImageName()}:${from?.getImageTag()}${name ? ` AS ${name}` : ''}`);
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${where}: ${keyword} before FROM`);
    o.onStep?.(`${where} ${keyword} ${(instruction.getArgumentsContent() ?? '').replace(/\\\n\s*/g, ' ').slice(0, 100)}`);
    switch (keyword) {
      case 'WORKDIR':
        stage.workdir = posix.resolve(stage.workdir, argumentsOf(instruction)[0] ?? '/');
        await mkdir(inStage(stage, stage.workdir), { recursive: true });
        break;
      case 'ENV':
        if (instruction instanceof Env) for (const p of instruction.getProperties()) stage.env[p.getName()] = p.getValue() ?? '';
        break;
      case 'COPY':
        if (instruction instanceof Copy) await copy(instruction, stage, stages, o.context, filter, where);
        break;
      case 'RUN':
        await run(instruction, stage, o, where);
        break;
      case 'USER':
        config.user = argumentsOf(instruction)[0] ?? null;
        break;
      case 'ENTRYPOINT':
        config.entrypoint = execForm(instruction.getArgumentsContent() ?? '', where);
        break;
      case 'CMD':
        config.cmd = execForm(instruction.getArgumentsContent() ?? '', where);
        break;
      case 'HEALTHCHECK': {
        const content = (instruction.getArgumentsContent() ?? '').replace(/\\\n/g, ' ');
        const at = content.indexOf('CMD');
        config.healthcheck = at < 0 ? null : execForm(content.slice(at + 3), where);
        break;
      }
      case 'EXPOSE':
        config.exposed.push(...argumentsOf(instruction));
        break;
      case 'VOLUME':
        config.volumes.push(...execForm(instruction.getArgumentsContent() ?? '[]', where));
        break;
      case 'LABEL':
      case 'STOPSIGNAL':
        break;
      default:
        throw new Error(`${where}: ${keyword} is not supported by the directory build`);
    }
  }
  const last = stages.at(-1);
  if (!last) throw new Error('Dockerfile: no FROM');
  return { ...config, root: last.root, env: last.env, workdir: last.workdir };
}

/** `/app/x` of a stage → its path on this machine. */
export function inStage(stage: { root: string }, path: string): string {
  return join(stage.root, path);
}

async function copy(c: Copy, stage: Stage, stages: Stage[], context: string, filter: ReturnType<typeof ignore>, where: string): Promise<void> {
  const args = argumentsOf(c).filter((a) => !a.startsWith('--'));
  const from = c.getFromFlag()?.getValue();
  const dest = args.at(-1);
  const sources = args.slice(0, -1);
  if (!dest || sources.length === 0) throw new Error(`${where}: COPY needs a source and a destination`);
  const source = from === undefined ? null : stages.find((s) => s.name === from);
  if (from !== undefined && !source) throw new Error(`${where}: no stage "${from}"`);
  const target = posix.resolve(stage.workdir, dest);
  const rootOf = (src: string): string => (source ? inStage(source, posix.resolve(source.workdir, src)) : join(context, src));
  const expanded: string[] = [];
  for (const src of sources) expanded.push(...(await expandWildcards(src, rootOf, where)));
  const intoDir = dest.endsWith('/') || expanded.length > 1;
  for (const src of expanded) {
    const path = rootOf(src);
    const info = await stat(path).catch(() => null);
    if (!info) throw new Error(`${where}: COPY ${src}: not found${source ? ` in stage ${from}` : ' in the build context'}`);
    // A directory's contents go into the destination; a file goes to it, or into it when it is a directory.
    const to = info.isDirectory() || !intoDir ? inStage(stage, target) : inStage(stage, posix.join(target, posix.basename(src)));
    await mkdir(info.isDirectory() ? to : join(to, '..'), { recursive: true });
    if (source && info.isDirectory()) {
      // Between stages nothing is filtered: the system's `cp -a` is many times faster on node_modules.
      await execFileAsync('cp', ['-a', `${path}/.`, to]);
      continue;
    }
    await cp(path, to, {
      recursive: true,
      force: true,
      verbatimSymlinks: true,
      filter: (file) => {
        if (source !== null) return true;
        const rel = toContextPath(context, file);
        return rel === '' || !filter.ignores(rel);
      },
    });
  }
}

/**
 * A COPY source with wildcards (`dist/cli.chunk-*.mjs`), as Docker matches them (Go's
 * `filepath.Match`: `*`, `?` and `[…]` within one path segment), expanded to the files it names,
 * sorted; a source without wildcards is itself. Wildcards in a directory segment are not supported
 * here (they throw), and a pattern that matches nothing is an error, as in `docker build`.
 */
async function expandWildcards(src: string, rootOf: (src: string) => string, where: string): Promise<string[]> {
  if (!/[*?[]/.test(src)) return [src];
  const dir = posix.dirname(src);
  if (/[*?[]/.test(dir)) throw new Error(`${where}: COPY ${src}: wildcards in a directory are not supported by the directory build`);
  const pattern = segmentPattern(posix.basename(src));
  const names = await readdir(rootOf(dir)).catch(() => [] as string[]);
  const matched = names
    .filter((n) => pattern.test(n))
    .sort()
    .map((n) => posix.join(dir, n));
  if (matched.length === 0) throw new Error(`${where}: COPY ${src}: no file matches`);
  return matched;
}

/** One path segment's wildcard pattern as a RegExp: `*` any run of characters, `?` one, `[…]` a class. */
function segmentPattern(glob: string): RegExp {
  const escaped = Array.from(glob).map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c === '[' || c === ']' ? c : c.replace(/[.+^$(){}|\\]/g, '\\$&')));
  return new RegExp(`^${escaped.join('')}$`);
}

function toContextPath(context: string, file: string): string {
  return relative(context, file).split('\\').join('/');
}

async function run(instruction: Instruction, stage: Stage, o: BuildOptions, where: string): Promise<void> {
  const command = (instruction.getArgumentsContent() ?? '').replace(/\\\n\s*/g, ' ').trim();
  const key = `${stage.name ?? 'image'}: ${command}`;
  const substitute = o.substitute?.[key];
  if (substitute) return substitute({ root: stage.root, workdir: stage.workdir });
  // Absolute paths of the image live under the stage's directory.
  const local = command.replace(/(^|\s)\/(?=[\w.-])/g, `$1${stage.root}/`);
  const cwd = inStage(stage, stage.workdir);
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', local], { cwd, env: { ...process.env, ...o.runEnv, ...stage.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output = (output + String(d)).slice(-4000)));
    child.stderr.on('data', (d) => (output = (output + String(d)).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${where}: RUN ${command} exited ${code}:\n${output}`))));
  });
}

/** The whitespace-separated arguments of an instruction (flags included). */
function argumentsOf(instruction: Instruction): string[] {
  return instruction.getArguments().map((a) => a.getValue());
}

function execForm(text: string, where: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.trim());
  } catch {
    throw new Error(`${where}: use the exec form (a JSON array), got ${text.trim().slice(0, 60)}`);
  }
  if (!Array.isArray(parsed) || !parsed.every((x): x is string => typeof x === 'string')) throw new Error(`${where}: not an array of strings`);
  return parsed;
}

/** The files of a directory, relative to it, recursively (for checking what an image holds). */
export async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(join(dir, entry.name), rel)));
    else out.push(rel);
  }
  return out;
}
