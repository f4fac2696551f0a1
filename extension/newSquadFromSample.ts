import * as vscode from 'vscode';

const SAMPLES = [
  { label: 'Credit memo', detail: 'A planner, three workers and a checker write a commercial credit memo.', path: 'credit-memo/credit-memo.squad.yaml' },
  { label: 'Infinite loop (KYC review)', detail: 'Caught by the loop guardrail.', path: 'failure-modes/loop-kyc-review.squad.yaml' },
  { label: 'Deadlock (loan pricing)', detail: 'Three desks wait on each other; caught by the deadlock guardrail.', path: 'failure-modes/deadlock-loan-pricing.squad.yaml' },
  { label: 'Squad chatter (claims triage)', detail: 'Hand-offs cost more than the work; caught by chatter.', path: 'failure-modes/chatter-claims-triage.squad.yaml' },
  { label: 'Token explosion (policy Q&A)', detail: 'The context cache and token-explosion guardrail.', path: 'failure-modes/token-explosion-policy-qa.squad.yaml' },
  { label: 'Silent truncation (10-K analysis)', detail: 'A 10-K on a 4k-context model, flagged.', path: 'failure-modes/truncation-10k-analysis.squad.yaml' },
  { label: 'Cascade (rate feed)', detail: 'A failed tool and everything built on it.', path: 'failure-modes/cascade-rate-feed.squad.yaml' },
] as const;

/** Copies a sample squad shipped with the extension into the workspace and opens it. */
export async function newSquadFromSample(extensionUri: vscode.Uri): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) {
    void vscode.window.showInformationMessage('Squad Studio: open a folder first; the sample is copied into it.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick([...SAMPLES], { title: 'New squad from a sample' });
  if (!picked) return undefined;
  const name = picked.path.split('/').pop() ?? 'sample.squad.yaml';
  let target = vscode.Uri.joinPath(folder, name);
  for (let n = 2; await exists(target); n++) target = vscode.Uri.joinPath(folder, name.replace('.squad.yaml', `-${n}.squad.yaml`));
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(extensionUri, 'samples', picked.path), target);
  await vscode.commands.executeCommand('vscode.openWith', target, 'default');
  return target;
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  return vscode.workspace.fs.stat(uri).then(
    () => true,
    () => false,
  );
}
