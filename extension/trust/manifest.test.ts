import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  capabilities?: { untrustedWorkspaces?: { supported?: unknown; description?: unknown } };
  contributes: { configuration: { properties: Record<string, { scope?: string }> } };
};

/** What VS Code reads from the manifest to keep a workspace from widening the extension's trust. */
describe('the manifest of the trust boundary', () => {
  it('supports untrusted workspaces in a limited way, and says what is off', () => {
    expect(manifest.capabilities?.untrustedWorkspaces?.supported).toBe('limited');
    expect(String(manifest.capabilities?.untrustedWorkspaces?.description)).toMatch(/graph editor.*replay.*running, debugging, forking and re-running/);
  });

  it('keeps the server URL and the variables the server may read out of workspace settings', () => {
    const props = manifest.contributes.configuration.properties;
    expect(props['squadStudio.serverUrl']?.scope).toBe('application');
    expect(props['squadStudio.server.envAllow']?.scope).toBe('application');
  });
});
