import * as vscode from 'vscode';
import { parseSquadFile } from '../protocol/parseSquadFile';
import type { SquadDiagnostic } from '../protocol/squadDiagnostic';
import { unpricedModelWarnings } from '../server/runner/unpricedModelWarnings';

export function isSquadDocument(doc: vscode.TextDocument): boolean {
  return doc.uri.path.endsWith('.squad.yaml') || doc.uri.path.endsWith('.squad.yml');
}

/**
 * Keeps the Problems panel in step with every open squad file, using the same parser as the CLI,
 * so an editor and `squad validate` never disagree. Re-parses at most every `delayMs` while typing.
 */
export class SquadDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('squad');
  private readonly pending = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly delayMs = 200) {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((doc) => this.refresh(doc)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc)),
    ];
    for (const doc of vscode.workspace.textDocuments) this.refresh(doc);
  }

  private schedule(doc: vscode.TextDocument): void {
    if (!isSquadDocument(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.pending.get(key));
    this.pending.set(
      key,
      setTimeout(() => {
        this.pending.delete(key);
        this.refresh(doc);
      }, this.delayMs),
    );
  }

  private refresh(doc: vscode.TextDocument): void {
    if (!isSquadDocument(doc) || doc.isClosed) return;
    const text = doc.getText();
    const path = vscode.workspace.asRelativePath(doc.uri);
    const result = parseSquadFile(text, path);
    // The warnings `squad validate` adds to the parser's (a model the budget cannot price), so the two agree.
    const all = result.ok ? [...result.warnings, ...unpricedModelWarnings(path, text, result.squad)] : [...result.errors, ...result.warnings];
    this.collection.set(doc.uri, all.map(toDiagnostic));
  }

  private forget(doc: vscode.TextDocument): void {
    clearTimeout(this.pending.get(doc.uri.toString()));
    this.pending.delete(doc.uri.toString());
    this.collection.delete(doc.uri);
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

function toDiagnostic(d: SquadDiagnostic): vscode.Diagnostic {
  // Our positions are 1-based (as printed by the CLI); VS Code's are 0-based.
  const range = new vscode.Range(d.line - 1, d.col - 1, Math.max(d.endLine, d.line) - 1, Math.max(d.endCol - 1, d.col));
  const diagnostic = new vscode.Diagnostic(range, d.message, d.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
  diagnostic.source = 'squad';
  return diagnostic;
}
