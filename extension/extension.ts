import * as vscode from 'vscode';
import { messageOf } from '../protocol/messageOf';
import { Commands, DEBUG_TYPE, RUNS_VIEW_ID, SQUAD_EDITOR_VIEW_TYPE } from './commandIds';
import { DebugStops } from './debug/debugStops';
import { seedGuardrailBreakpoints } from './debug/seedGuardrailBreakpoints';
import { RunPanels } from './editor/runPanels';
import { SquadEditorProvider } from './editor/squadEditorProvider';
import { newSquadFromSample } from './newSquadFromSample';
import { RunActions } from './runs/runActions';
import { RunReports } from './runs/runReports';
import { RunCostStatus } from './runs/runCostStatus';
import { RunsFeed } from './runs/runsFeed';
import { RunItem, RunsTree } from './runs/runsTree';
import { runInTerminal } from './runInTerminal';
import { ApiKeys } from './secrets/apiKeys';
import { RunsClient } from './server/runsClient';
import { ServerApi } from './server/serverApi';
import { ServerLink } from './server/serverLink';
import { ServerProcess } from './server/serverProcess';
import { SquadCodeLens } from './squadCodeLens';
import { activeCustomEditorUri, SquadDebugConfigurationProvider } from './squadDebugConfigurationProvider';
import { SquadDebugAdapterFactory } from './squadDebugAdapterFactory';
import { SquadDiagnostics } from './squadDiagnostics';
import { SquadTestController } from './testing/squadTestController';
import { requireTrust } from './trust/workspaceTrust';
import { serverPolicyArgs } from './trust/serverPolicyArgs';

/** Composition root of the extension: wiring only. */
export function activate(context: vscode.ExtensionContext): void {
  const { extensionUri } = context;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.cwd());
  const log = vscode.window.createOutputChannel('Squad Server');
  const apiKeys = new ApiKeys(context.secrets, context.globalState);
  const secretEnv = () => apiKeys.env();
  const server = new ServerProcess({ serverJs: vscode.Uri.joinPath(extensionUri, 'dist', 'server.js').fsPath, workspace: folder.fsPath, log, secretEnv, policyArgs: () => serverPolicyArgs(apiKeys) });
  const link = new ServerLink(server, folder.fsPath, context.secrets);
  const connect = () => link.connection();
  const api = new ServerApi(connect);
  const line = (text: string) => log.appendLine(text);
  const panels = new RunPanels(extensionUri, folder, connect, line);
  // The Runs view follows the server's stream by itself (no Refresh needed for a run started elsewhere).
  let feed: RunsFeed | null = null;
  const tree = new RunsTree(api, () => feed?.ensure());
  feed = new RunsFeed(connect, api, () => tree.refresh());
  const runsFeed = feed;
  const stops = new DebugStops(line);
  let actions: RunActions | null = null;
  const status = new RunCostStatus(api, (run) => actions?.ended(run));
  const reports = new RunReports();
  actions = new RunActions({ folder, api, panels, tree, status, client: new RunsClient(connect), reports });
  const run = actions;

  const target = (uri?: vscode.Uri): vscode.Uri | undefined => {
    const candidate = uri instanceof vscode.Uri ? uri : (vscode.window.activeTextEditor?.document.uri ?? activeCustomEditorUri());
    if (candidate && /\.squad\.ya?ml$/.test(candidate.path)) return candidate;
    void vscode.window.showInformationMessage('Squad Studio: open a *.squad.yaml file first.');
    return undefined;
  };
  const pickProfile = () => vscode.window.showQuickPick(['local', 'staging', 'production'], { title: 'Run the squad under which profile?' });

  seedGuardrailBreakpoints(context.workspaceState);
  // The server starts now, in the background (activation means the workspace has squad files): a
  // cold start takes seconds on a slow machine, and the first Run Squad, Replay or graph would
  // otherwise wait for it. A failure here is logged; the first command that needs it tries again.
  void connect().catch((e: unknown) => line(`server did not start at activation: ${messageOf(e)}`));
  context.subscriptions.push(
    log,
    server,
    { dispose: () => api.dispose() },
    panels,
    tree,
    status,
    stops,
    reports,
    new SquadDiagnostics(),
    new SquadTestController({ cli: vscode.Uri.joinPath(extensionUri, 'dist', 'cli.js').fsPath, folder, secretEnv }),
    runsFeed,
    server.onDidChange((connection) => {
      tree.refresh();
      if (connection) runsFeed.reconnect();
      else runsFeed.stop();
    }),
    // Trust given: the read-only server of Restricted Mode makes way for one that runs squads.
    vscode.workspace.onDidGrantWorkspaceTrust(() => void server.restart().catch((e: unknown) => line(`restart failed: ${String(e)}`))),
    vscode.window.registerCustomEditorProvider(SQUAD_EDITOR_VIEW_TYPE, new SquadEditorProvider(extensionUri, connect, line, stops), {
      webviewOptions: { retainContextWhenHidden: true },
    }),
    vscode.window.registerTreeDataProvider(RUNS_VIEW_ID, tree),
    vscode.languages.registerCodeLensProvider([{ pattern: '**/*.squad.yaml' }, { pattern: '**/*.squad.yml' }], new SquadCodeLens()),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new SquadDebugConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new SquadDebugAdapterFactory(extensionUri, apiKeys)),
    vscode.commands.registerCommand(Commands.runSquad, async (uri?: vscode.Uri) => {
      if (!requireTrust('Run Squad')) return;
      const file = target(uri);
      if (file) await run.run(file, vscode.workspace.getConfiguration('squadStudio').get<string>('defaultProfile', 'local'));
    }),
    vscode.commands.registerCommand(Commands.runSquadWithProfile, async (uri?: vscode.Uri) => {
      if (!requireTrust('Run Squad')) return;
      const file = target(uri);
      const profile = file && (await pickProfile());
      if (file && profile) await run.run(file, profile);
    }),
    vscode.commands.registerCommand(Commands.runInTerminal, async (uri?: vscode.Uri) => {
      if (!requireTrust('Run Squad in Terminal')) return;
      const file = target(uri);
      if (file) await runInTerminal(context, file, vscode.workspace.getConfiguration('squadStudio').get<string>('defaultProfile', 'local'));
    }),
    vscode.commands.registerCommand(Commands.debugSquad, async (uri?: vscode.Uri) => {
      if (!requireTrust('Debug Squad')) return;
      const file = target(uri);
      if (!file) return;
      await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(file), { type: DEBUG_TYPE, request: 'launch', name: 'Debug squad', program: file.fsPath });
    }),
    vscode.commands.registerCommand(Commands.openInGraphEditor, async (uri?: vscode.Uri) => {
      const file = target(uri);
      if (file) await vscode.commands.executeCommand('vscode.openWith', file, SQUAD_EDITOR_VIEW_TYPE);
    }),
    vscode.commands.registerCommand(Commands.openDashboard, () => run.openDashboard()),
    vscode.commands.registerCommand(Commands.openRun, (item?: RunItem) => run.open(item)),
    vscode.commands.registerCommand(Commands.replayRun, (item?: RunItem) => run.replay(item)),
    vscode.commands.registerCommand(Commands.debugReplay, (item?: RunItem) => run.debugReplay(item)),
    vscode.commands.registerCommand(Commands.openRunJournal, (item?: RunItem) => run.openJournal(item)),
    vscode.commands.registerCommand(Commands.rerunFromJournal, (item?: RunItem) => (requireTrust('Re-run from Journal') ? run.rerun(item) : undefined)),
    vscode.commands.registerCommand(Commands.forkRun, (item?: RunItem) => (requireTrust('Fork Run') ? run.fork(item) : undefined)),
    vscode.commands.registerCommand(Commands.diffRuns, (item?: RunItem) => run.diff(item)),
    vscode.commands.registerCommand(Commands.deleteRun, (item?: RunItem) => run.delete(item)),
    vscode.commands.registerCommand(Commands.refreshRuns, () => tree.refresh()),
    vscode.commands.registerCommand('squadStudio.pickJournal', () => run.pickJournal()),
    vscode.commands.registerCommand(Commands.newSquadFromSample, () => newSquadFromSample(extensionUri)),
    vscode.commands.registerCommand(Commands.setApiKey, async () => {
      if (await apiKeys.prompt()) {
        const restart = await vscode.window.showInformationMessage('Squad Studio: key stored. Restart the server so new runs use it?', 'Restart Server');
        if (restart) await server.restart();
      }
    }),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      await server.restart();
      tree.refresh();
    }),
    vscode.commands.registerCommand(Commands.showServerLog, () => log.show()),
    // A failed test's link: the dashboard's replay of the run the case made (its journal is in the workspace).
    vscode.commands.registerCommand(Commands.openTestRun, (journalId: unknown, squad: unknown) => {
      if (typeof journalId === 'string' && typeof squad === 'string') void panels.show(journalId, 'replay', squad); // settles when loaded; never rejects
    }),
  );
}

export function deactivate(): void {}
