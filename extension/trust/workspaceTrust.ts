import * as vscode from 'vscode';

/** What Restricted Mode turns off, as the user reads it in the refusal. */
export type TrustedAction =
  | 'Run Squad'
  | 'Run Tests'
  | 'Run Squad in Terminal'
  | 'Debug Squad'
  | 'Fork Run'
  | 'Re-run from Journal'
  | 'starting a run from the graph editor'
  | 'forking a run from the dashboard'
  | 'forecasting a squad from the dashboard';

/** The refusal's text: why, and how to trust the folder. Exported for the tests and the bridge's error. */
export function restrictedModeMessage(action: TrustedAction): string {
  return (
    `Squad Studio: ${action} is off in Restricted Mode. A squad file can start the processes its tool servers name, ` +
    'read environment variables and API keys, and send requests to the hosts it names, so Squad Studio runs squads only ' +
    'in a folder you trust. Choose "Manage Workspace Trust" (or run "Workspaces: Manage Workspace Trust") and trust this folder. ' +
    'The graph editor, validation and replay of saved runs work without it.'
  );
}

/**
 * VS Code's workspace trust, for the actions that start processes or call real models: in a trusted
 * folder it answers true; in Restricted Mode it tells the user why the action is off and how to
 * trust the folder, and answers false. Nothing that only reads (the graph editor, diagnostics,
 * replaying a saved run in the dashboard or the debugger) asks.
 */
export function requireTrust(action: TrustedAction): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(restrictedModeMessage(action), 'Manage Workspace Trust').then((pick) => {
    if (pick) void vscode.commands.executeCommand('workbench.trust.manage');
  });
  return false;
}
