import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { Commands, DEBUG_TYPE } from '../commandIds';
import { requireTrust } from '../trust/workspaceTrust';
import { CliTestReportSchema, type CliTestReport } from './cliTestReport';
import { squadTestCases, type SquadTestCase } from './squadTestCases';

const GLOB = '**/*.squad.{yaml,yml}';
const EXCLUDE = '{**/node_modules/**,**/.squad/**}';

/**
 * The squad files' `tests:` in VS Code's Testing view (Test Controller API): a file is an item, each
 * case a child at its line. Run runs the cases with the bundled `squad test --json` (the same gate
 * as CI, under VS Code's own Node); Debug starts the squad debugger on a case's first seed. A failure
 * is a message per missed expectation, with the figure and the limit and a link to the run's dashboard.
 */
export class SquadTestController implements vscode.Disposable {
  private readonly controller = vscode.tests.createTestController('squadStudio.tests', 'Squad tests');
  private readonly cases = new WeakMap<vscode.TestItem, SquadTestCase>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly o: { cli: string; folder: vscode.Uri; secretEnv: () => Promise<Record<string, string>> }) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.discover();
    };
    this.controller.refreshHandler = () => this.discover();
    this.controller.createRunProfile('Run', vscode.TestRunProfileKind.Run, (request, token) => this.run(request, token), true);
    this.controller.createRunProfile('Debug', vscode.TestRunProfileKind.Debug, (request, token) => this.debug(request, token), true);
    const watcher = vscode.workspace.createFileSystemWatcher(GLOB);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.load(uri)),
      watcher.onDidChange((uri) => void this.load(uri)),
      watcher.onDidDelete((uri) => this.controller.items.delete(uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (/\.squad\.ya?ml$/.test(e.document.uri.path)) this.show(e.document.uri, e.document.getText());
      }),
    );
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.controller.dispose();
  }

  private async discover(): Promise<void> {
    for (const uri of await vscode.workspace.findFiles(GLOB, EXCLUDE)) await this.load(uri);
  }

  private async load(uri: vscode.Uri): Promise<void> {
    const bytes = await vscode.workspace.fs.readFile(uri).then(undefined, () => null);
    if (bytes) this.show(uri, new TextDecoder().decode(bytes));
  }

  /** Shows a file's cases; a file without cases is not listed, and one that does not parse keeps its last good list. */
  private show(uri: vscode.Uri, text: string): void {
    const cases = squadTestCases(text, vscode.workspace.asRelativePath(uri, false));
    if (cases === null) return;
    if (cases.length === 0) {
      this.controller.items.delete(uri.toString());
      return;
    }
    const file = this.controller.items.get(uri.toString()) ?? this.controller.createTestItem(uri.toString(), vscode.workspace.asRelativePath(uri, false), uri);
    file.children.replace(
      cases.map((c) => {
        const item = this.controller.createTestItem(`${uri.toString()}#${c.name}`, c.name, uri);
        item.range = new vscode.Range(c.line, c.col, c.line, c.col);
        item.description = `${c.profile}${c.seeds.length > 1 ? ` · ${c.seeds.length} seeds` : ` · seed ${c.seeds[0]}`}`;
        this.cases.set(item, c);
        return item;
      }),
    );
    this.controller.items.add(file);
  }

  /** The case items a request names (a file stands for all its cases), grouped by file. */
  private selected(request: vscode.TestRunRequest): Map<vscode.TestItem, vscode.TestItem[]> {
    const roots = request.include ?? [...iterate(this.controller.items)];
    const byFile = new Map<vscode.TestItem, vscode.TestItem[]>();
    const add = (file: vscode.TestItem, item: vscode.TestItem) => {
      if (request.exclude?.includes(item)) return;
      byFile.set(file, [...(byFile.get(file) ?? []), item]);
    };
    for (const item of roots) {
      if (this.cases.has(item)) add(item.parent ?? item, item);
      else for (const child of iterate(item.children)) add(item, child);
    }
    return byFile;
  }

  private async run(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!requireTrust('Run Tests')) return;
    const run = this.controller.createTestRun(request);
    try {
      for (const [file, items] of this.selected(request)) {
        if (token.isCancellationRequested) break;
        for (const item of items) run.started(item);
        const report = await this.squadTest(
          file.uri!,
          items.map((i) => i.label),
          run,
          token,
        ).catch((error: unknown) => {
          for (const item of items) run.errored(item, new vscode.TestMessage(`squad test could not run: ${error instanceof Error ? error.message : String(error)}`));
          return null;
        });
        if (!report) continue;
        for (const item of items) this.report(run, item, report);
      }
    } finally {
      run.end();
    }
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, report: CliTestReport): void {
    const result = report.cases.find((c) => c.name === item.label);
    if (!result) {
      run.skipped(item);
      return;
    }
    const duration = result.runs.reduce((s, r) => s + r.wallMs, 0);
    if (result.passed) {
      run.passed(item, duration);
      return;
    }
    const messages: vscode.TestMessage[] = [];
    for (const r of result.runs) {
      const where = `${result.profile}, seed ${r.seed}`;
      if (r.error !== null) messages.push(new vscode.TestMessage(`${where}: could not run: ${r.error}`));
      for (const f of r.failures) {
        // Markdown, not expected/actual: VS Code shows those as a diff, and the dashboard link would not show.
        const md = new vscode.MarkdownString(`**${f.expectation}** (${where}): ${escape(f.message)}\n\nexpected: ${escape(f.expected)} · actual: ${escape(f.actual)}`);
        if (r.journal) {
          const args = encodeURIComponent(JSON.stringify([basename(r.journal, '.jsonl'), result.squad]));
          md.appendMarkdown(`\n\n[Open the run's dashboard](command:${Commands.openTestRun}?${args})`);
        }
        md.isTrusted = { enabledCommands: [Commands.openTestRun] };
        const message = new vscode.TestMessage(md);
        if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
        messages.push(message);
      }
    }
    run.failed(item, messages, duration);
  }

  /** `squad test FILE --case NAME… --json` with the bundled CLI, in the workspace (journals go to its .squad/runs/). */
  private async squadTest(uri: vscode.Uri, names: string[], run: vscode.TestRun, token: vscode.CancellationToken): Promise<CliTestReport> {
    // --yes: in VS Code, workspace trust is the user's consent (run() asks for it first).
    const args = [this.o.cli, 'test', uri.fsPath, ...names.flatMap((n) => ['--case', n]), '--json', '--yes', '--workspace', this.o.folder.fsPath];
    const env = { ...process.env, ...(await this.o.secretEnv()), ELECTRON_RUN_AS_NODE: '1', NO_COLOR: '1' };
    const child = spawn(process.execPath, args, { cwd: this.o.folder.fsPath, env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    const cancel = token.onCancellationRequested(() => child.kill('SIGINT'));
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err += d;
      run.appendOutput(d.replace(/\n/g, '\r\n'));
    });
    const code = await new Promise<number>((done, fail) => {
      child.on('error', fail);
      child.on('close', (c) => done(c ?? 1));
    }).finally(() => {
      cancel.dispose();
    });
    if (code !== 0 && code !== 1) throw new Error(err.trim() || `exit code ${code}`);
    const parsed = CliTestReportSchema.safeParse(JSON.parse(out));
    if (!parsed.success) throw new Error(`unexpected output of squad test: ${parsed.error.message}`);
    return parsed.data;
  }

  /** Debug: the squad debugger on each chosen case's first seed and profile, one after another. */
  private async debug(request: vscode.TestRunRequest, token: vscode.CancellationToken): Promise<void> {
    if (!requireTrust('Debug Squad')) return;
    const run = this.controller.createTestRun(request);
    try {
      for (const [file, items] of this.selected(request)) {
        for (const item of items) {
          const c = this.cases.get(item);
          if (!c || token.isCancellationRequested) continue;
          run.started(item);
          const folder = vscode.workspace.getWorkspaceFolder(file.uri!);
          const ended = new Promise<void>((done) => {
            const sub = vscode.debug.onDidTerminateDebugSession((s) => {
              if (s.configuration.name === `Debug test: ${c.name}`) {
                sub.dispose();
                done();
              }
            });
          });
          const started = await vscode.debug.startDebugging(folder, {
            type: DEBUG_TYPE,
            request: 'launch',
            name: `Debug test: ${c.name}`,
            program: file.uri!.fsPath,
            profile: c.profile,
            seed: c.seeds[0],
          });
          if (!started) run.errored(item, new vscode.TestMessage('the squad debugger did not start'));
          else {
            await ended;
            // A debug session is looked at, not judged: Run gives the verdict.
            run.skipped(item);
          }
        }
      }
    } finally {
      run.end();
    }
  }
}

function* iterate(collection: vscode.TestItemCollection): Generator<vscode.TestItem> {
  const items: vscode.TestItem[] = [];
  collection.forEach((i) => items.push(i));
  yield* items;
}

function escape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>]/g, (c) => `\\${c}`);
}
