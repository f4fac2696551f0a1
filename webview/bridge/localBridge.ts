import { BridgeMethods, type BridgeMethod, type BridgeParams, type BridgeParsedParams, type BridgeResult, type HostEvent } from '../../protocol/webview/bridgeMethods';
import { BridgeError } from '../../client/BridgeError';
import type { BridgeHost } from '../../client/BridgeHost';
import type { Bridge } from './Bridge';

/**
 * The bridge when the host runs in the same page (the browser, with `ServerHost`): params are checked
 * against their schemas as across postMessage; results are the host's, checked where they crossed
 * the wire.
 */
export class LocalBridge implements Bridge {
  readonly documents = 'page' as const;
  private readonly unsupported = new Set<BridgeMethod>();
  private readonly controller = new AbortController();

  constructor(private readonly host: BridgeHost) {}

  async request<M extends BridgeMethod>(method: M, params: BridgeParams<M>, signal?: AbortSignal): Promise<BridgeResult<M>> {
    const schema = BridgeMethods[method];
    const input = schema.params.safeParse(params);
    if (!input.success) throw new BridgeError('invalid', `${method}: ${input.error.issues[0]?.message ?? 'invalid params'}`);
    const combined = signal ? AbortSignal.any([signal, this.controller.signal]) : this.controller.signal;
    try {
      // The params schema of M parsed them; TypeScript cannot follow M through the table lookup.
      // No second check of the result: an in-page host validates what it reads from the wire
      // (ServerHost checks every HTTP answer with its protocol/api schema), and checking 100,000
      // journal events twice would double the cost of opening a long run.
      return await this.host.handle(method, input.data as BridgeParsedParams<M>, combined);
    } catch (error) {
      if (error instanceof BridgeError && error.code === 'unsupported') this.unsupported.add(method);
      throw error;
    }
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    return this.host.onEvent(listener);
  }

  supports(method: BridgeMethod): boolean {
    return !this.unsupported.has(method);
  }

  dispose(): void {
    this.controller.abort(new BridgeError('unavailable', 'the app was closed'));
    this.host.dispose();
  }
}
