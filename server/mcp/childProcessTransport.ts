import { spawn, type ChildProcess } from 'node:child_process';
import { deserializeMessage, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineBuffer } from './lineBuffer';

export interface ChildProcessTransportOptions {
  command: string;
  args: readonly string[];
  env: Record<string, string>;
  cwd: string;
  /** A single JSON-RPC message larger than this closes the connection (a runaway server). */
  maxMessageBytes: number;
  /** How long a server may take to exit after its stdin closes, then after SIGTERM, before SIGKILL. */
  graceMs?: number;
}

/** How the process ended, for error messages. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Bytes of the server's stderr kept for error messages (the tail is what explains a crash). */
const STDERR_TAIL_BYTES = 4096;

/**
 * The stdio transport of the MCP spec, like the SDK's `StdioClientTransport`, with the two things a
 * replica pool needs that it lacks:
 *
 * - The server runs in its own process group (POSIX), and `close()` ends the whole group: stdin
 *   closed, then SIGTERM, then SIGKILL. Servers started through `npx`, `uv run` or a shell script
 *   are a tree of processes; killing only the direct child orphans the rest.
 * - stderr is captured (its tail explains a crash at start) instead of spilling onto the terminal
 *   of the CLI, and the exit code and signal are kept.
 *
 * Contract: `start()` resolves once the process is spawned and rejects if it cannot be (a command
 * that does not exist). `onclose` fires exactly once, whether the process died or `close()` ran.
 */
export class ChildProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child: ChildProcess | null = null;
  private readonly buffer: LineBuffer;
  private stderrTail = '';
  private exitInfo: ProcessExit | null = null;
  private exited: Promise<void> = Promise.resolve();
  private closed = false;
  private cutReason: string | null = null;

  constructor(private readonly options: ChildProcessTransportOptions) {
    this.buffer = new LineBuffer(options.maxMessageBytes);
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** The process's exit, once it has exited. */
  get exit(): ProcessExit | null {
    return this.exitInfo;
  }

  /**
   * Waits up to `ms` for the process to exit (its streams closed, so `stderr` is whole) and returns
   * how it ended, or null if it is still running. A write that failed on a broken pipe (EPIPE) says
   * only that the server is dying; its exit says why.
   */
  async waitForExit(ms: number): Promise<ProcessExit | null> {
    if (!this.child) return null;
    await this.exitedWithin(ms);
    return this.exitInfo;
  }

  /** Why this transport ended the connection itself (a message over the limit), or null: that, not the exit it caused, explains it. */
  get cut(): string | null {
    return this.cutReason;
  }

  /** The last few KB the server wrote to stderr, trimmed. */
  get stderr(): string {
    return this.stderrTail.trim();
  }

  start(): Promise<void> {
    if (this.child) throw new Error('ChildProcessTransport already started');
    const { command, args, env, cwd } = this.options;
    return new Promise((resolve, reject) => {
      const child = spawn(command, [...args], {
        env,
        cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        shell: false,
        windowsHide: true,
        // Its own process group, so close() can end the server's whole tree (see the class comment).
        detached: process.platform !== 'win32',
      });
      this.child = child;
      this.exited = new Promise((done) => child.once('close', () => done()));
      child.once('error', (error) => {
        // Only a spawn failure rejects start(); later errors go to onerror.
        reject(error);
        this.onerror?.(error);
      });
      child.once('spawn', () => resolve());
      child.once('close', (code, signal) => {
        this.exitInfo = { code, signal };
        this.finish();
      });
      child.stdin.on('error', (error) => this.onerror?.(error));
      child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
      child.stdout.on('error', (error) => this.onerror?.(error));
      child.stderr.on('data', (chunk: Buffer) => {
        this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
      });
    });
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || stdin.destroyed) return Promise.reject(new Error('the server process is not running'));
    return new Promise((resolve, reject) => {
      const ok = stdin.write(serializeMessage(message), (error) => (error ? reject(error) : undefined));
      if (ok) resolve();
      else stdin.once('drain', () => resolve());
    });
  }

  /** Ends the server and everything it started. Resolves once the process is gone. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.exitInfo) {
      this.finish();
      return;
    }
    const grace = this.options.graceMs ?? 1000;
    child.stdin?.end();
    if (!(await this.exitedWithin(grace))) {
      this.killGroup(child, 'SIGTERM');
      if (!(await this.exitedWithin(grace))) {
        this.killGroup(child, 'SIGKILL');
        await this.exitedWithin(grace);
      }
    }
    // The direct child may exit on stdin EOF and leave a grandchild behind: end the group regardless.
    this.killGroup(child, 'SIGKILL');
    this.finish();
  }

  private onData(chunk: Buffer): void {
    if (this.closed || this.cutReason) return;
    let lines: string[];
    try {
      lines = this.buffer.push(chunk);
    } catch {
      this.cutReason = `the server sent a message larger than ${this.options.maxMessageBytes} bytes`;
      this.onerror?.(new Error(this.cutReason));
      void this.close();
      return;
    }
    for (const line of lines) {
      if (line.trim() === '') continue;
      let message: JSONRPCMessage;
      try {
        message = deserializeMessage(line);
      } catch (error) {
        // A line that is not JSON-RPC (a server logging to stdout): report it, keep reading.
        this.onerror?.(error instanceof Error ? error : new Error(String(error)));
        continue;
      }
      this.onmessage?.(message);
    }
  }

  private killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    if (child.pid === undefined) return;
    try {
      if (process.platform === 'win32') child.kill(signal);
      else process.kill(-child.pid, signal);
    } catch {
      // ESRCH: the group is already gone.
    }
  }

  private async exitedWithin(ms: number): Promise<boolean> {
    if (this.exitInfo) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const done = await Promise.race([this.exited.then(() => true as const), timeout]);
    clearTimeout(timer);
    return done;
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    this.onclose?.();
  }
}
