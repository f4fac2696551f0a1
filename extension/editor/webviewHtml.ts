import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';

/** Where the webview app's bundle is, inside the extension. */
export function webviewRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/**
 * The page that hosts the webview app (dist/webview/app.js and app.css). A strict CSP: scripts only
 * from the bundle with this page's nonce, no network at all (the app reaches the server through
 * the host, never directly, which is also what makes it work in remote workspaces).
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  const root = webviewRoot(extensionUri);
  const nonce = randomBytes(16).toString('base64');
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource} 'unsafe-inline'`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}' ${webview.cspSource}`,
    `worker-src ${webview.cspSource} blob:`,
  ].join('; ');
  const script = vscode.Uri.joinPath(root, 'app.js');
  if (!existsSync(script.fsPath)) {
    // Not a second UI: a build without the webview bundle says so and how to fix it.
    return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${csp}"></head>
<body><p>The Squad Studio UI is not built (missing <code>dist/webview/app.js</code>). Run <code>npm run build</code>, then reopen this editor.</p></body></html>`;
  }
  const style = vscode.Uri.joinPath(root, 'app.css');
  const css = existsSync(style.fsPath) ? `<link rel="stylesheet" href="${webview.asWebviewUri(style).toString()}">` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<script nonce="${nonce}">${EARLY_BOOT}</script>
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
${css}
</head>
<body class="sq-vscode">
<div id="root"></div>
<script type="module" nonce="${nonce}" src="${webview.asWebviewUri(script).toString()}"></script>
</body>
</html>`;
}

/**
 * The page's first script, before the bundle is even asked for: it says `ready` to the host at once
 * (the host's first events, what to show, then travel while the 0.95 MB bundle is fetched and
 * evaluated, a few hundred ms, instead of after it) and keeps the messages that come meanwhile for
 * the bridge (webview/bridge/postMessageBridge.ts, `EarlyBoot`). Its mark is when our page began.
 */
const EARLY_BOOT = `performance.mark('squad:html');(() => {
const api = acquireVsCodeApi(), early = [], keep = (e) => early.push(e.data);
addEventListener('message', keep);
globalThis.squadEarlyBoot = { api, take() { removeEventListener('message', keep); return early.splice(0); } };
api.postMessage({ kind: 'ready', early: true });
})();`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c);
}
