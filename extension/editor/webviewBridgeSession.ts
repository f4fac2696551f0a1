import * as vscode from 'vscode';
import { WebviewMessageSchema, type HostMessage } from '../../protocol/webview/bridgeMessage';
import { BridgeMethods, type HostEvent } from '../../protocol/webview/bridgeMethods';
import { BridgeError } from '../../client/BridgeError';
import type { BridgeHost } from '../../client/BridgeHost';

/**
 * One webview's end of the bridge: checks every message from the webview with its schema (the
 * webview is untrusted content as far as the host is concerned), answers requests through the
 * host with a cancellable signal each, and forwards host events. What to show first is sent once
 * the app says `ready` (messages posted before that would be lost).
 */
export class WebviewBridgeSession implements vscode.Disposable {
  private readonly inFlight = new Map<number, AbortController>();
  private readonly disposables: vscode.Disposable[] = [];
  private ready = false;
  private pending: HostEvent[] = [];
  private markReady: () => void = () => {};
  /** Settles when the app in the webview has loaded and said so, `ready` or `started` after an early `ready` (or the webview was closed first). */
  readonly loaded = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    private readonly webview: vscode.Webview,
    private readonly host: BridgeHost,
    initial: HostEvent,
    private readonly log: (line: string) => void,
  ) {
    this.pending.push(initial);
    this.disposables.push(webview.onDidReceiveMessage((m: unknown) => void this.receive(m)));
    const stop = host.onEvent((event) => this.emit(event));
    this.disposables.push(new vscode.Disposable(stop));
  }

  /** Shows another view in the same webview (a run, a replay), after `ready` if need be. */
  emit(event: HostEvent): void {
    if (!this.ready) {
      this.pending.push(event);
      return;
    }
    void this.post({ kind: 'event', event });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = WebviewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`webview: dropped a malformed message (${parsed.error.issues[0]?.message ?? 'invalid'})`);
      return;
    }
    const message = parsed.data;
    if (message.kind === 'started') {
      this.markReady();
      return;
    }
    if (message.kind === 'ready') {
      this.ready = true;
      // An early `ready` comes from the page's first script: the app has loaded once it says `started`.
      if (!message.early) this.markReady();
      const queued = this.pending;
      this.pending = [];
      for (const event of queued) void this.post({ kind: 'event', event });
      return;
    }
    if (message.kind === 'cancel') {
      this.inFlight.get(message.id)?.abort(new Error('cancelled by the webview'));
      return;
    }
    const params = BridgeMethods[message.method].params.safeParse(message.params);
    if (!params.success) {
      const issue = params.error.issues[0];
      await this.post({ kind: 'response', id: message.id, ok: false, error: { code: 'invalid', message: `${message.method}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim() } });
      return;
    }
    const abort = new AbortController();
    this.inFlight.set(message.id, abort);
    try {
      const result = await this.host.handle(message.method, params.data, abort.signal);
      await this.post({ kind: 'response', id: message.id, ok: true, result });
    } catch (error) {
      const known = error instanceof BridgeError;
      if (!known) this.log(`webview: ${message.method} failed: ${error instanceof Error ? error.message : String(error)}`);
      await this.post({ kind: 'response', id: message.id, ok: false, error: { code: known ? error.code : 'internal', message: error instanceof Error ? error.message : String(error) } });
    } finally {
      this.inFlight.delete(message.id);
    }
  }

  private post(message: HostMessage): Thenable<boolean> {
    return this.webview.postMessage(message);
  }

  dispose(): void {
    this.markReady();
    for (const a of this.inFlight.values()) a.abort(new Error('the webview was closed'));
    this.inFlight.clear();
    for (const d of this.disposables) d.dispose();
    this.host.dispose();
  }
}
