import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateCommand } from '../cli/validateCommand';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'squad-validate-unpriced-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function validate(name: string, text: string): Promise<{ code: number; stdout: string; stderr: string; file: string }> {
  const file = join(dir, `${name}.squad.yaml`);
  await writeFile(file, text);
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { NO_COLOR: '1' },
    cwd: dir,
    signal: new AbortController().signal,
  };
  const code = await validateCommand([file], io);
  return { code, stdout, stderr, file };
}

const squad = (models: string, guardrails = '') => `version: 1
name: s
task: { entry: a, input: go }
models:
${models}
${guardrails}agents:
  a: { role: worker, model: local }
  b: { role: worker, model: local }
`;
const LOCAL = '  local:\n    provider: openai-compatible\n    baseUrl: http://127.0.0.1:11434/v1\n    model: llama3.1\n';

describe('squad validate and models the budget cannot price', () => {
  it('warns at the model id of an unpriced model the agents use, and the file stays valid', async () => {
    const r = await validate('unpriced', squad(`${LOCAL}  spare: { provider: openai-compatible, baseUrl: "http://127.0.0.1:1/v1", model: unused-model }`));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✔');
    // Line 8 col 12 is `llama3.1`; the unused model is not named.
    expect(r.stderr).toBe(
      `${r.file}:8:12: warning: model "llama3.1" has no price in the pricing table and the file gives none: the budget cannot count the spend of a, b (its calls count as $0); add a \`price:\` to this model\n`,
    );
  });

  it('says nothing when the model is priced, in the file or the pricing table, or the budget is disabled', async () => {
    const priced = await validate('file-priced', squad(`${LOCAL}    price: { inputPerMTok: 1, cachedInputPerMTok: 0.5, outputPerMTok: 2 }`));
    const table = await validate('table-priced', squad(LOCAL.replace('llama3.1', 'gpt-4.1-mini')));
    const off = await validate('no-budget', squad(LOCAL, 'guardrails: { disabled: [budget] }\n'));
    for (const r of [priced, table, off]) expect([r.code, r.stderr]).toEqual([0, '']);
  });
});
