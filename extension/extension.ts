import * as vscode from 'vscode';
import { runInTerminal } from './runInTerminal';
import { SquadDiagnostics } from './squadDiagnostics';

/** Composition root of the extension: wiring only. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    new SquadDiagnostics(),
    vscode.commands.registerCommand('squadStudio.runSquad', (uri?: vscode.Uri) => runActive(context, uri, 'local')),
    vscode.commands.registerCommand('squadStudio.runSquadWithProfile', async (uri?: vscode.Uri) => {
      const profile = await vscode.window.showQuickPick(['local', 'staging', 'production'], {
        title: 'Run the squad under which profile?',
      });
      if (profile) await runActive(context, uri, profile);
    }),
  );
}

export function deactivate(): void {}

async function runActive(context: vscode.ExtensionContext, uri: vscode.Uri | undefined, profile: string): Promise<void> {
  const target = uri ?? vscode.window.activeTextEditor?.document.uri;
  if (!target || !(target.path.endsWith('.squad.yaml') || target.path.endsWith('.squad.yml'))) {
    void vscode.window.showInformationMessage('Squad Studio: open a *.squad.yaml file to run it.');
    return;
  }
  await runInTerminal(context, target, profile);
}


