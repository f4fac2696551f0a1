import { setFlagsFromString } from 'node:v8';

/**
 * Commands that parse once and exit: for them zod's JIT costs more than it saves. zod compiles a
 * parser (`new Function`) for each object schema at its first parse, which pays only over many
 * parses of one schema; a `squad run` parses most schemas a handful of times (the squad file once,
 * each MCP message shape a few times), and the compiling was about a tenth of its start-up CPU.
 * `serve`, `worker` and `load` run long and keep the JIT; the other commands parse little or nothing.
 */
const ONE_SHOT = new Set(['run', 'replay', 'fork', 'diff', 'resume', 'validate', 'export', 'test', 'forecast']);

/**
 * Tunes the heap of every `squad` process. Called by the bin (bin.ts) before the command's bundle is
 * compiled: V8 rejects a code cache made under other flags, so every process sets these alike.
 *
 * The young generation grows by 4x instead of 2x when it fills: start-up allocates mostly objects
 * that live (modules, schemas, the parsed squad), so each scavenge copies nearly all it finds, and
 * reaching the same size in fewer scavenges (5 instead of 9 for `squad run` of the credit memo)
 * copies less. Its maximum size, and so the process's memory, is unchanged.
 */
export function tuneHeap(): void {
  setFlagsFromString('--semi-space-growth-factor=4');
}

/**
 * Tunes zod for the command this process runs, before the command's code is loaded (zod reads its
 * `jitless` setting when a schema is built, at module evaluation). Changes no result: jitless zod
 * accepts and rejects exactly what the JIT does, with the same issues.
 */
export async function tuneZod(command: string | undefined): Promise<void> {
  if (command === undefined || !ONE_SHOT.has(command)) return;
  const { config } = await import('zod');
  config({ jitless: true });
}
