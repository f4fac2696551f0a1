import * as vscode from 'vscode';
import { Commands } from './commandIds';
import { isSquadDocument } from './squadDiagnostics';

/** "Run | Debug | Open Graph" over a squad file's first line. */
export class SquadCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!isSquadDocument(doc)) return [];
    const top = new vscode.Range(0, 0, 0, 0);
    return [
      new vscode.CodeLens(top, { title: '$(play) Run', command: Commands.runSquad, arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: '$(debug-alt) Debug', command: Commands.debugSquad, arguments: [doc.uri] }),
      new vscode.CodeLens(top, { title: '$(type-hierarchy) Open Graph', command: Commands.openInGraphEditor, arguments: [doc.uri] }),
    ];
  }
}
