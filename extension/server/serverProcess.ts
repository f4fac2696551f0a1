import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { listeningUrlOf, ServerFileSchema, type ServerConnection } from './serverConnection';

export interface ServerProcessOptions {
  /** dist/server.js inside the extension. */
  serverJs: string;
  workspace: string;
  log: vscode.OutputChannel;
  /** The environment the server gets on top of VS Code's: API keys from SecretStorage. */
  secretEnv: () => Promise<Record<string, string>>;
  /** The server's policy flags at each start (`--read-only` in Restricted Mode, `--env-allow`). */
  policyArgs: () => Promise<string[]>;
}

/** Restarts allowed within `RESTART_WINDOW_MS` before we stop trying and tell the user. */
const MAX_RESTARTS = 4;
const RESTART_WINDOW_MS = 60_000;
const START_TIMEOUT_MS = 20_000;

/**
 * The bundled server, run with VS Code's own Node (`process.execPath`, ELECTRON_RUN_AS_NODE=1) on
 * 127.0.0.1 and a free port. The server makes a fresh token at each start and writes it, 0600, to
 * `.squad/server.json`; we read it from there once the server says it listens, and only if the file
 * names our child's pid. Restarted with backoff if it dies; its output goes to an output channel.
 */
export class ServerProcess implements vscode.Disposable {
  private child: ChildProcess | null = null;
  private ready: Promise<ServerConnection> | null = null;
  private restarts: number[] = [];
  private disposed = false;
  private readonly changed = new vscode.EventEmitter<ServerConnection | null>();
  /** Fires with the new connection after every (re)start, and null when the server stops. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly o: ServerProcessOptions) {}

  /** The running server, started on first use. */
  connection(): Promise<ServerConnection> {
    if (this.disposed) return Promise.reject(new Error('the extension is shutting down'));
    this.ready ??= this.start().catch((error: unknown) => {
      this.ready = null;
      throw error;
    });
    return this.ready;
  }

  async restart(): Promise<ServerConnection> {
    this.stop();
    this.restarts = [];
    return this.connection();
  }

  private async start(): Promise<ServerConnection> {
    const env = { ...process.env, ...(await this.o.secretEnv()), ELECTRON_RUN_AS_NODE: '1' };
    const args = [this.o.serverJs, '--workspace', this.o.workspace, '--host', '127.0.0.1', ...(await this.o.policyArgs())];
    this.o.log.appendLine(`starting: ${process.execPath} ${args.join(' ')}`);
    const child = spawn(process.execPath, args, { cwd: this.o.workspace, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    this.child = child;
    child.stderr.on('data', (d: Buffer) => this.o.log.append(d.toString()));
    child.on('exit', (code, signal) => this.exited(child, code, signal));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the Squad server did not start within ${START_TIMEOUT_MS / 1000} s (see the "Squad Server" output)`)), START_TIMEOUT_MS);
      let buffered = '';
      child.stdout.on('data', (d: Buffer) => {
        const text = d.toString();
        this.o.log.append(text);
        buffered += text;
        const found = listeningUrlOf(buffered);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the Squad server exited (code ${code}) before it listened (see the "Squad Server" output)`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const file = ServerFileSchema.safeParse(JSON.parse(await readFile(join(this.o.workspace, '.squad', 'server.json'), 'utf8')));
    if (!file.success || file.data.pid !== child.pid || file.data.url !== url) {
      throw new Error('.squad/server.json does not belong to the server we started; is another one running in this workspace?');
    }
    const connection = { url, token: file.data.token, owned: true };
    this.o.log.appendLine(`server ready at ${url}`);
    this.changed.fire(connection);
    return connection;
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.ready = null;
    this.changed.fire(null);
    if (this.disposed) return;
    this.o.log.appendLine(`server exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`);
    const now = Date.now();
    this.restarts = this.restarts.filter((t) => now - t < RESTART_WINDOW_MS);
    if (this.restarts.length >= MAX_RESTARTS) {
      void vscode.window.showErrorMessage('Squad Studio: the local server keeps stopping. See the "Squad Server" output.', 'Show Log', 'Restart').then((pick) => {
        if (pick === 'Show Log') this.o.log.show();
        if (pick === 'Restart') void this.restart();
      });
      return;
    }
    this.restarts.push(now);
    const delay = 500 * 2 ** (this.restarts.length - 1);
    this.o.log.appendLine(`restarting in ${delay} ms`);
    setTimeout(() => {
      if (!this.disposed && !this.child) void this.connection().catch((e: unknown) => this.o.log.appendLine(`restart failed: ${String(e)}`));
    }, delay);
  }

  private stop(): void {
    const child = this.child;
    this.child = null;
    this.ready = null;
    // SIGTERM: the server pauses its runs, flushes journals and removes server.json before it exits.
    child?.kill('SIGTERM');
  }

  dispose(): void {
    this.disposed = true;
    this.stop();
    this.changed.dispose();
  }
}
