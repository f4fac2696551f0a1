import { strict as assert } from 'node:assert';
import * as vscode from 'vscode';

/** Waits for the first event `on` delivers that passes `test`. */
function next<T>(on: vscode.Event<T>, test: (e: T) => boolean = () => true): Promise<T> {
  return new Promise((resolve) => {
    const sub = on((e) => {
      if (!test(e)) return;
      sub.dispose();
      resolve(e);
    });
  });
}

/** True once `test` holds, false after `timeoutMs` (a bound, not a measurement). */
async function poll(test: () => boolean, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (test()) return true;
  return test();
}

/**
 * The desktop checks, run inside VS Code by @vscode/test-electron (a `run()` export is its
 * contract): the extension activates on a squad file, contributes its commands, shows diagnostics,
 * and the debugger stops at a breakpoint on an agent and shows the stopped line.
 */
export async function run(): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  assert.ok(folder, 'a workspace folder');
  const file = vscode.Uri.joinPath(folder, 'credit-memo.squad.yaml');
  const doc = await vscode.workspace.openTextDocument(file);
  await vscode.window.showTextDocument(doc);
  const extension = vscode.extensions.getExtension('squad-studio.squad-studio');
  assert.ok(extension, 'the extension is installed');
  await extension.activate();
  const commands = await vscode.commands.getCommands(true);
  for (const id of ['squadStudio.runSquad', 'squadStudio.debugSquad', 'squadStudio.replayRun', 'squadStudio.setApiKey']) assert.ok(commands.includes(id), id);

  const line = doc
    .getText()
    .split('\n')
    .findIndex((l) => /^ {2}checker:/.test(l));
  vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(file, new vscode.Position(line, 0)))]);
  const stopped = next(vscode.debug.onDidChangeActiveStackItem, (item) => item instanceof vscode.DebugStackFrame);
  assert.ok(await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], { type: 'squad', request: 'launch', name: 'desktop test', program: file.fsPath }));
  const frame = await stopped;
  const session = vscode.debug.activeDebugSession;
  assert.ok(session && frame instanceof vscode.DebugStackFrame);
  const trace = await session.customRequest('stackTrace', { threadId: frame.threadId });
  assert.equal(trace.stackFrames[0].name, 'checker: before turn 1');
  const cost = await session.customRequest('evaluate', { expression: 'agents.financials.cost > 0', context: 'repl' });
  assert.equal(cost.result, 'true');
  // The stop is visible: the YAML shows the stopped line beside the graph (squadStudio.debug.showYamlBeside).
  const shown = await poll(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === doc.uri.toString() && e.selection.active.line === line), 10_000);
  assert.ok(shown, 'a text editor shows the stopped line');
  await vscode.debug.stopDebugging(session);
}
