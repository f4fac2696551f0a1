import * as vscode from 'vscode';
import { SQUAD_EDITOR_VIEW_TYPE } from './commandIds';

interface Sample extends vscode.QuickPickItem {
  path: string;
}

/**
 * Copies a sample squad shipped with the extension into the workspace and opens it in the graph
 * editor. The list is every `*.squad.yaml` under the extension's `samples/` (one folder deep), each
 * named by its file's `name:` and `description:`, so a sample added to the repository is offered
 * without a second list to keep in step.
 */
export async function newSquadFromSample(extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    void vscode.window.showInformationMessage('Squad Studio: open a folder first; the sample is copied into it.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(listSamples(extensionUri), { title: 'New squad from a sample', matchOnDescription: true, matchOnDetail: true });
  if (!picked) return undefined;
  const name = picked.path.split('/').pop() ?? 'sample.squad.yaml';
  let target = vscode.Uri.joinPath(folder, name);
  for (let n = 2; await exists(target); n++) target = vscode.Uri.joinPath(folder, name.replace('.squad.yaml', `-${n}.squad.yaml`));
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(extensionUri, 'samples', picked.path), target);
  await vscode.commands.executeCommand('vscode.openWith', target, SQUAD_EDITOR_VIEW_TYPE);
  return target;
}

async function listSamples(extensionUri: vscode.Uri): Promise<Sample[]> {
  const root = vscode.Uri.joinPath(extensionUri, 'samples');
  const out: Sample[] = [];
  for (const [dir, type] of await vscode.workspace.fs.readDirectory(root)) {
    if (type !== vscode.FileType.Directory) continue;
    for (const [file, fileType] of await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root, dir))) {
      if (fileType !== vscode.FileType.File || !file.endsWith('.squad.yaml')) continue;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, dir, file)));
      out.push({ ...sampleLabel(text, file), path: `${dir}/${file}` });
    }
  }
  // The first squads a new user runs, then the failure-mode gallery.
  return out.sort((a, b) => Number(a.path.startsWith('failure-modes/')) - Number(b.path.startsWith('failure-modes/')) || a.label.localeCompare(b.label));
}

/** The quick pick's row for a sample: its `name:` and `description:` (top-level keys), and its file. */
export function sampleLabel(text: string, file: string): { label: string; description: string; detail: string } {
  const key = (k: string): string | undefined =>
    new RegExp(`^${k}:\\s*(.+)$`, 'm')
      .exec(text)?.[1]
      ?.trim()
      .replace(/^(['"])(.*)\1$/, '$2');
  return { label: key('name') ?? file, description: file, detail: key('description') ?? '' };
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}
