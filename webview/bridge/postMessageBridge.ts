import { HostMessageSchema, type WebviewMessage } from '../../protocol/webview/bridgeMessage';
import { BridgeMethods, type BridgeMethod, type BridgeParams, type BridgeResult, type HostEvent } from '../../protocol/webview/bridgeMethods';
import { BridgeError } from '../../client/BridgeError';
import { EventFanout } from '../../client/EventFanout';
import type { Bridge } from './Bridge';

/** What `acquireVsCodeApi()` returns, as far as the bridge needs it. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
}

/**
 * What the page's inline script (extension/editor/webviewHtml.ts) left before the bundle ran: the
 * VS Code API it acquired, having said `ready` already (so the host's first events travel while the
 * bundle is fetched and evaluated), and the messages that came meanwhile.
 */
export interface EarlyBoot {
  api: VsCodeApi;
  /** The messages received so far; from then on the bridge listens itself. */
  take(): unknown[];
}

interface Pending {
  method: BridgeMethod;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/**
 * The bridge inside a VS Code webview: requests go to the extension by `postMessage`, its answers
 * and events come back as `message` events on the window. Every message from the host is checked
 * with its schema (a malformed one is dropped and reported to the console, never trusted).
 */
export class PostMessageBridge implements Bridge {
  readonly documents = 'host' as const;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly events = new EventFanout<HostEvent>();
  private readonly unsupported = new Set<BridgeMethod>();
  private readonly onMessage = (event: MessageEvent): void => this.receive(event.data);
  /**
   * Events that came before anything listened (the host's first `show` can now arrive before the
   * app's first render): delivered once the first listener's render has committed (a microtask
   * after it subscribed, when every effect of that commit has subscribed too). Null once delivered.
   */
  private held: HostEvent[] | null = [];
  private delivering = false;
  private readonly api: VsCodeApi;

  constructor(
    boot: VsCodeApi | EarlyBoot,
    private readonly window: Pick<Window, 'addEventListener' | 'removeEventListener'>,
  ) {
    this.api = 'take' in boot ? boot.api : boot;
    window.addEventListener('message', this.onMessage);
    if ('take' in boot) {
      for (const data of boot.take()) this.receive(data);
      this.post({ kind: 'started' });
    } else this.post({ kind: 'ready' });
  }

  request<M extends BridgeMethod>(method: M, params: BridgeParams<M>, signal?: AbortSignal): Promise<BridgeResult<M>> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    return new Promise<BridgeResult<M>>((resolve, reject) => {
      const abort = (): void => {
        this.pending.delete(id);
        this.post({ kind: 'cancel', id });
        reject(signal?.reason ?? new Error('aborted'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      this.pending.set(id, {
        method,
        resolve: (value) => {
          signal?.removeEventListener('abort', abort);
          const parsed = BridgeMethods[method].result.safeParse(value);
          if (parsed.success)
            resolve(parsed.data as BridgeResult<M>); // the schema of M produced it
          else reject(new BridgeError('internal', `the host answered ${method} with an invalid result: ${parsed.error.issues[0]?.message ?? ''}`));
        },
        reject: (error) => {
          signal?.removeEventListener('abort', abort);
          reject(error);
        },
      });
      this.post({ kind: 'request', id, method, params });
    });
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    const stop = this.events.add(listener);
    const held = this.held;
    if (held && !this.delivering) {
      this.delivering = true;
      queueMicrotask(() => {
        this.held = null;
        for (const event of held) this.events.emit(event);
      });
    }
    return stop;
  }

  supports(method: BridgeMethod): boolean {
    return !this.unsupported.has(method);
  }

  dispose(): void {
    this.window.removeEventListener('message', this.onMessage);
    for (const p of this.pending.values()) p.reject(new BridgeError('unavailable', 'the webview was closed'));
    this.pending.clear();
    this.events.clear();
  }

  private post(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  private receive(data: unknown): void {
    // VS Code posts its own messages to a webview's window too; only ours (a response or an event) are
    // checked, and only a malformed one of ours is worth a warning.
    if (typeof data !== 'object' || data === null || !('kind' in data) || (data.kind !== 'response' && data.kind !== 'event')) return;
    const parsed = HostMessageSchema.safeParse(data);
    if (!parsed.success) {
      console.warn('squad webview: dropped a malformed host message', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    if (message.kind === 'event') {
      if (this.held) this.held.push(message.event);
      else this.events.emit(message.event);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (message.ok) {
      pending.resolve(message.result);
      return;
    }
    if (message.error.code === 'unsupported') this.unsupported.add(pending.method);
    pending.reject(new BridgeError(message.error.code, message.error.message));
  }
}
