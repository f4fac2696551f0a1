import * as vscode from 'vscode';
import type { ApiKeys } from '../secrets/apiKeys';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The bundled server's policy, from the user's choices and never from the workspace: in Restricted
 * Mode it starts `--read-only` (saved runs are listed, replayed and diffed; nothing starts); runs
 * may read the keys the user stored with "Set Model Provider API Key…" and the variables of VS Code's
 * environment named in `squadStudio.server.envAllow` (an application setting), nothing else.
 */
export async function serverPolicyArgs(keys: ApiKeys): Promise<string[]> {
  if (!vscode.workspace.isTrusted) return ['--read-only'];
  const configured = vscode.workspace.getConfiguration('squadStudio').get<unknown>('server.envAllow', []);
  const extra = Array.isArray(configured) ? configured.filter((n): n is string => typeof n === 'string' && ENV_NAME.test(n)) : [];
  const names = [...new Set([...keys.names(), ...extra])];
  return names.length > 0 ? ['--env-allow', names.join(',')] : [];
}
