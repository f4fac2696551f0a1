/** Every command the extension contributes, typed, so package.json and the code cannot drift apart. */
export const Commands = {
  runSquad: 'squadStudio.runSquad',
  runSquadWithProfile: 'squadStudio.runSquadWithProfile',
  runInTerminal: 'squadStudio.runInTerminal',
  debugSquad: 'squadStudio.debugSquad',
  openDashboard: 'squadStudio.openDashboard',
  openInGraphEditor: 'squadStudio.openInGraphEditor',
  replayRun: 'squadStudio.replayRun',
  debugReplay: 'squadStudio.debugReplay',
  openRun: 'squadStudio.openRun',
  openRunJournal: 'squadStudio.openRunJournal',
  rerunFromJournal: 'squadStudio.rerunFromJournal',
  forkRun: 'squadStudio.forkRun',
  diffRuns: 'squadStudio.diffRuns',
  deleteRun: 'squadStudio.deleteRun',
  refreshRuns: 'squadStudio.refreshRuns',
  newSquadFromSample: 'squadStudio.newSquadFromSample',
  setApiKey: 'squadStudio.setApiKey',
  restartServer: 'squadStudio.restartServer',
  showServerLog: 'squadStudio.showServerLog',
  openTestRun: 'squadStudio.openTestRun',
} as const;

export const SQUAD_EDITOR_VIEW_TYPE = 'squadStudio.squadEditor';
export const RUNS_VIEW_ID = 'squadStudio.runs';
export const DEBUG_TYPE = 'squad';
