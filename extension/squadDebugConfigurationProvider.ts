import * as vscode from 'vscode';
import { DEBUG_TYPE } from './commandIds';
import { isSquadDocument } from './squadDiagnostics';
import { requireTrust } from './trust/workspaceTrust';

/**
 * Fills in a `squad` launch configuration: F5 on a squad file without a launch.json debugs that
 * file; a relative `program` or `journal` is resolved against the workspace folder, which is also
 * where the run's journal is kept.
 */
export class SquadDebugConfigurationProvider implements vscode.DebugConfigurationProvider {
  provideDebugConfigurations(): vscode.DebugConfiguration[] {
    return [
      { type: DEBUG_TYPE, request: 'launch', name: 'Debug squad', program: '${file}', profile: 'local', stopOnEntry: false },
      { type: DEBUG_TYPE, request: 'launch', name: 'Replay saved run', journal: '${command:squadStudio.pickJournal}' },
    ];
  }

  async resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): Promise<vscode.DebugConfiguration | undefined> {
    if (!config.type && !config.request && !config.name) {
      const doc = vscode.window.activeTextEditor?.document;
      const active = doc && isSquadDocument(doc) ? doc.uri : activeCustomEditorUri();
      if (!active) {
        void vscode.window.showInformationMessage('Squad Studio: open a *.squad.yaml file to debug it.');
        return undefined;
      }
      Object.assign(config, { type: DEBUG_TYPE, request: 'launch', name: 'Debug squad', program: active.fsPath });
    }
    // Restricted Mode: a saved run replays (no process, no model); a squad file does not run.
    if (config.program && !requireTrust('Debug Squad')) return undefined;
    if (config.program) {
      const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === config.program);
      if (doc?.isDirty) await doc.save();
    }
    config.cwd ??= folder?.uri.fsPath ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    return config;
  }
}

/** The file of the active custom editor (the graph editor has no TextEditor). */
export function activeCustomEditorUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
}
