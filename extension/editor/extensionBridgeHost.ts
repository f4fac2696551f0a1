import { WebSocket as NodeWebSocket } from 'ws';
import * as vscode from 'vscode';
import { SquadLayoutSchema, type SquadLayout } from '../../protocol/webview/squadLayout';
import type { BridgeMethod, BridgeParsedParams, BridgeResult, HostEvent } from '../../protocol/webview/bridgeMethods';
import { BridgeError } from '../../client/BridgeError';
import type { BridgeHost } from '../../client/BridgeHost';
import { EventFanout } from '../../client/EventFanout';
import { ServerHost } from '../../client/serverHost';
import type { ServerConnection } from '../server/serverConnection';
import { textPatch } from '../../protocol/textPatch';
import { containedPath, ContainmentError, SQUAD_SUFFIXES } from '../../server/trust/pathContainment';
import { restrictedModeMessage } from '../trust/workspaceTrust';

const SQUAD_GLOB = '**/*.squad.{yaml,yml}';

/**
 * The bridge's host inside VS Code. Squad files come from VS Code's text documents (the document is
 * the source of truth: edits go through a WorkspaceEdit, so undo, dirty state, save and git work);
 * layouts live beside them in `.squad/layout/`; every run method goes to the local server through
 * the same `ServerHost` the browser uses, so the two hosts cannot disagree on the API.
 */
export class ExtensionBridgeHost implements BridgeHost {
  private readonly events = new EventFanout<HostEvent>();
  private server: Promise<ServerHost> | null = null;
  private readonly subscriptions: vscode.Disposable[] = [];
  private unsubscribeServer: (() => void) | null = null;

  constructor(
    private readonly folder: vscode.Uri,
    private readonly connect: () => Promise<ServerConnection>,
  ) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeTextDocument((e) => {
        const path = this.relative(e.document.uri);
        // Also without content changes: VS Code sends one when only the dirty state changed (an undo
        // back to the saved text), which the YAML pane's head shows.
        if (path && isSquadPath(path)) this.events.emit({ type: 'squad.changed', file: { path, text: e.document.getText(), version: e.document.version, dirty: e.document.isDirty } });
      }),
      // A save changes no text, only the dirty state, which the YAML pane's head shows.
      vscode.workspace.onDidSaveTextDocument((doc) => {
        const path = this.relative(doc.uri);
        if (path && isSquadPath(path)) this.events.emit({ type: 'squad.changed', file: { path, text: doc.getText(), version: doc.version, dirty: doc.isDirty } });
      }),
    );
  }

  async handle<M extends BridgeMethod>(method: M, params: BridgeParsedParams<M>, signal: AbortSignal): Promise<BridgeResult<M>> {
    // Each branch returns its own method's result; the params were checked by the method's schema.
    return (await this.dispatch(method, params, signal)) as BridgeResult<M>;
  }

  private async dispatch(method: BridgeMethod, params: unknown, signal: AbortSignal): Promise<unknown> {
    switch (method) {
      case 'squad.list': {
        const files = await vscode.workspace.findFiles(new vscode.RelativePattern(this.folder, SQUAD_GLOB), '**/node_modules/**');
        return {
          files: files
            .map((f) => this.relative(f))
            .filter((p): p is string => p !== null)
            .sort(),
        };
      }
      case 'squad.open': {
        const p = params as BridgeParsedParams<'squad.open'>;
        const doc = await vscode.workspace.openTextDocument(await this.resolve(p.path));
        return { path: p.path, text: doc.getText(), version: doc.version, dirty: doc.isDirty };
      }
      case 'squad.edit':
        return this.edit(params as BridgeParsedParams<'squad.edit'>);
      case 'layout.load': {
        const p = params as BridgeParsedParams<'layout.load'>;
        const bytes = await vscode.workspace.fs.readFile(await this.layoutUri(p.path)).then(
          (b) => b,
          () => null,
        );
        if (!bytes) return { layout: null };
        const parsed = SquadLayoutSchema.safeParse(safeJson(new TextDecoder().decode(bytes)));
        return { layout: parsed.success ? parsed.data : null };
      }
      case 'layout.save': {
        const p = params as BridgeParsedParams<'layout.save'>;
        await this.saveLayout(p.path, p.layout);
        return {};
      }
      case 'run.start':
      case 'run.fork':
      case 'forecast.run':
        // Restricted Mode: what starts processes or calls models is off, with the reason and the way out.
        if (!vscode.workspace.isTrusted)
          throw new BridgeError(
            'forbidden',
            restrictedModeMessage(
              method === 'run.start' ? 'starting a run from the graph editor' : method === 'run.fork' ? 'forking a run from the dashboard' : 'forecasting a squad from the dashboard',
            ),
          );
        return (await this.serverHost()).handle(method, params as never, signal);
      default:
        // Every run method (start, control, journal, subscribe, fork, diff …) and the tenants: the
        // server's API through the browser's own ServerHost, so the two hosts answer alike.
        return (await this.serverHost()).handle(method, params as never, signal);
    }
  }

  private async edit(p: BridgeParsedParams<'squad.edit'>): Promise<{ version: number; dirty: boolean }> {
    const doc = await vscode.workspace.openTextDocument(await this.resolve(p.path));
    if (doc.version !== p.baseVersion) throw new BridgeError('conflict', `the file changed (version ${doc.version}, the edit was made on ${p.baseVersion})`);
    const old = doc.getText();
    if (old === p.text) return { version: doc.version, dirty: doc.isDirty };
    // The smallest replacement: one undo step that touches only what changed.
    const patch = textPatch(old, p.text);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(doc.uri, new vscode.Range(doc.positionAt(patch.offset), doc.positionAt(patch.offset + patch.length)), patch.text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new BridgeError('conflict', 'VS Code refused the edit');
    return { version: doc.version, dirty: doc.isDirty };
  }

  private async saveLayout(path: string, layout: SquadLayout): Promise<void> {
    const uri = await this.layoutUri(path);
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`${JSON.stringify(layout, null, 2)}\n`));
  }

  private serverHost(): Promise<ServerHost> {
    this.server ??= this.connect().then(
      (c) => {
        // Node 20 has fetch but no WebSocket: the `ws` client speaks the same protocol.
        const host = new ServerHost({ baseUrl: c.url, token: c.token, WebSocket: NodeWebSocket as unknown as typeof WebSocket });
        this.unsubscribeServer = host.onEvent((e) => this.events.emit(e));
        return host;
      },
      (error: unknown) => {
        this.server = null;
        throw new BridgeError('unavailable', `the Squad server is not running: ${error instanceof Error ? error.message : String(error)}`);
      },
    );
    return this.server;
  }

  /** A workspace-relative path with forward slashes, or null for a file outside the folder. */
  relative(uri: vscode.Uri): string | null {
    const base = this.folder.path.endsWith('/') ? this.folder.path : `${this.folder.path}/`;
    return uri.scheme === this.folder.scheme && uri.path.startsWith(base) ? uri.path.slice(base.length) : null;
  }

  /** A squad file of the folder, through the server's own containment helper (real path, inside, `*.squad.yaml`). */
  private async resolve(path: string): Promise<vscode.Uri> {
    return vscode.Uri.file((await this.contained(path, SQUAD_SUFFIXES, true)).real);
  }

  /** `.squad/layout/<the file's real relative path>.json`, contained under `.squad/layout/` like the server's. */
  private async layoutUri(path: string): Promise<vscode.Uri> {
    const squad = await this.contained(path, SQUAD_SUFFIXES, true);
    return vscode.Uri.file((await this.contained(`.squad/layout/${squad.relative}.json`, ['.json'], false, '.squad/layout')).real);
  }

  private async contained(path: string, suffixes: readonly string[], mustExist: boolean, under?: string): Promise<{ real: string; relative: string }> {
    // The extension runs beside the workspace (extensionKind "workspace"): its folder is on this disk.
    if (this.folder.scheme !== 'file') throw new BridgeError('forbidden', `squad files are opened from local folders only, not ${this.folder.scheme}:`);
    try {
      return await containedPath(this.folder.fsPath, path, { suffixes, mustExist, ...(under ? { under } : {}) });
    } catch (error) {
      if (!(error instanceof ContainmentError)) throw error;
      if (error.failure === 'missing') throw new BridgeError('not-found', `no squad file "${path}" in the workspace`);
      throw new BridgeError('forbidden', error.failure === 'outside' ? `"${path}" is outside the workspace` : `"${path}" is not a squad file (*.squad.yaml)`);
    }
  }

  onEvent(listener: (event: HostEvent) => void): () => void {
    return this.events.add(listener);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.unsubscribeServer?.();
    void this.server?.then(
      (h) => h.dispose(),
      () => undefined,
    );
    this.events.clear();
  }
}

function isSquadPath(path: string): boolean {
  return path.endsWith('.squad.yaml') || path.endsWith('.squad.yml');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
