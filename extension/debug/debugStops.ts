import * as vscode from 'vscode';
import { z } from 'zod';
import { DEBUG_TYPE, SQUAD_EDITOR_VIEW_TYPE } from '../commandIds';
import { debugStopTarget, type DebugStopTarget } from './debugStopTarget';

/** The part of a DAP `stackTrace` response we read; it comes from the adapter process, so it is checked. */
const StackTraceSchema = z.object({
  stackFrames: z.array(z.object({ id: z.number(), name: z.string(), line: z.number().int(), source: z.object({ path: z.string().optional() }).loose().optional() }).loose()),
});

export interface DebugStopChange {
  uri: vscode.Uri;
  stop: DebugStopTarget | null;
}

/**
 * Where the squad debugger is stopped, for the graph editor and the YAML. Squad files open in the
 * graph editor by default, so the source VS Code opens for a stack frame is the graph, where its
 * current-line highlight cannot show. This follows the focused stack frame (the top one when a thread
 * stops, or the one the user picks in the Call Stack view) and (1) tells the graph editors of that file
 * which agent and hand-off to highlight, (2) shows the frame's line in a text editor beside the graph,
 * where VS Code draws its own current-line decoration. Cleared when the session goes on or ends.
 */
export class DebugStops implements vscode.Disposable {
  private current: DebugStopChange | null = null;
  /** Bumped per focus change, so a slow `stackTrace` answer cannot overwrite a newer stop. */
  private generation = 0;
  private readonly changed = new vscode.EventEmitter<DebugStopChange>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly log: (line: string) => void) {
    this.subscriptions = [
      vscode.debug.onDidChangeActiveStackItem((item) => void this.follow(item)),
      vscode.debug.onDidTerminateDebugSession((session) => {
        if (session.type === DEBUG_TYPE) this.set(null);
      }),
    ];
  }

  /** The stop to show in a graph editor of `uri` opened now (null when not stopped in that file). */
  stopFor(uri: vscode.Uri): DebugStopTarget | null {
    return this.current && this.current.uri.toString() === uri.toString() ? this.current.stop : null;
  }

  private async follow(item: vscode.DebugThread | vscode.DebugStackFrame | undefined): Promise<void> {
    const generation = ++this.generation;
    // A thread without a frame: the session is running again.
    if (!item || !('frameId' in item) || item.session.type !== DEBUG_TYPE) {
      this.set(null);
      return;
    }
    try {
      const trace = StackTraceSchema.safeParse(await item.session.customRequest('stackTrace', { threadId: item.threadId }));
      const frame = trace.success ? trace.data.stackFrames.find((f) => f.id === item.frameId) : undefined;
      const path = frame?.source?.path;
      if (generation !== this.generation) return;
      if (!frame || !path) {
        this.set(null); // a saved run whose squad file is not on disk: nothing to open
        return;
      }
      const document = await vscode.workspace.openTextDocument(sourceUri(path));
      if (generation !== this.generation) return;
      const stop = debugStopTarget(document.getText(), frame);
      this.set({ uri: document.uri, stop });
      if (vscode.workspace.getConfiguration('squadStudio').get<boolean>('debug.showYamlBeside', true)) await showLineBeside(document, frame.line);
    } catch (error) {
      // The session ended between the focus change and our request: nothing stopped to show.
      this.log(`debugger: cannot follow the stopped frame: ${error instanceof Error ? error.message : String(error)}`);
      if (generation === this.generation) this.set(null);
    }
  }

  private set(next: DebugStopChange | null): void {
    const previous = this.current;
    this.current = next;
    if (previous && previous.uri.toString() !== next?.uri.toString()) this.changed.fire({ uri: previous.uri, stop: null });
    if (next) this.changed.fire(next);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/**
 * A DAP source path as VS Code hands it to an extension: a plain path locally, but in a remote
 * window (code-server, SSH, WSL, Codespaces) VS Code has already rewritten it to a URI
 * (`vscode-remote://…`), which `Uri.file` would mangle.
 */
export function sourceUri(path: string): vscode.Uri {
  return /^[a-zA-Z][\w+.-]+:\/\//.test(path) ? vscode.Uri.parse(path) : vscode.Uri.file(path);
}

/**
 * Shows `line` of the squad file in a text editor in another group than the graph's: VS Code opens
 * the frame's source (the graph editor, the file's default) in the active group, or reveals it where
 * it is already open. An open text editor of the file in another group is reused; else one opens to
 * the right of the graph. Focus stays where it was, so the debug keys keep working.
 */
async function showLineBeside(document: vscode.TextDocument, line: number): Promise<void> {
  const uri = document.uri.toString();
  const groups = vscode.window.tabGroups.all;
  const isGraph = (tab: vscode.Tab): boolean => tab.input instanceof vscode.TabInputCustom && tab.input.viewType === SQUAD_EDITOR_VIEW_TYPE && tab.input.uri.toString() === uri;
  const isText = (tab: vscode.Tab): boolean => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri;
  const graphGroup = groups.find((g) => g.activeTab && isGraph(g.activeTab)) ?? groups.find((g) => g.tabs.some(isGraph)) ?? vscode.window.tabGroups.activeTabGroup;
  const textGroup = groups.find((g) => g !== graphGroup && g.activeTab !== undefined && isText(g.activeTab)) ?? groups.find((g) => g !== graphGroup && g.tabs.some(isText));
  const column = textGroup?.viewColumn ?? graphGroup.viewColumn + 1;
  const at = new vscode.Range(line - 1, 0, line - 1, 0);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- VS Code numbers its columns 1-9 (ViewColumn.One...Nine); the one after the graph's is its number plus one, opened as a new group if need be
  const editor = await vscode.window.showTextDocument(document, { viewColumn: column, preserveFocus: true, preview: true, selection: at });
  editor.revealRange(at, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}
