import * as vscode from 'vscode';

export const REPORT_SCHEME = 'squad-report';

/**
 * Read-only Markdown documents for what the server answers about saved runs (a diff, a replay's
 * divergence): a virtual document per report, so it opens as a normal editor tab (searchable,
 * copyable, previewable) and is never written anywhere. Reports live as long as this object.
 */
export class RunReports implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.path) ?? '# This report is gone\n\nRun the command again.';
  }

  /** Opens (or refreshes) the report named `name` (a file name ending in `.md`). */
  async show(name: string, markdown: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${name.replace(/[\\/]/g, '_')}` });
    const had = this.texts.has(uri.path);
    this.texts.set(uri.path, markdown);
    if (had) this.changed.fire(uri);
    const document = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'markdown');
    return vscode.window.showTextDocument(document, { preview: true, viewColumn: vscode.ViewColumn.Active });
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
