import { describe, expect, it } from 'vitest';
import { parseSquadFile } from './parseSquadFile';
import type { SquadDiagnostic } from './squadDiagnostic';

/** A one-agent squad whose only model is `model` (YAML flow mapping text). */
function squadWith(model: string): string {
  return `version: 1
name: real
task: { entry: lead, input: Go. }
models:
  main: ${model}
agents:
  lead:
    role: planner
    model: main
env: [OPENAI_API_KEY, ANTHROPIC_API_KEY, K, AZURE_KEY]
`;
}

const at = (d: SquadDiagnostic) => `${d.line}:${d.col}: ${d.message}`;

function errorsOf(model: string): string[] {
  const result = parseSquadFile(squadWith(model), 'real.squad.yaml');
  return result.ok ? [] : result.errors.map(at);
}

describe('model connection checks, located in the file', () => {
  it('accepts each real provider with what it needs', () => {
    expect(errorsOf('{ provider: openai, model: gpt-4.1, apiKeyEnv: OPENAI_API_KEY }')).toEqual([]);
    expect(errorsOf('{ provider: anthropic, model: claude-sonnet-5-5, apiKeyEnv: ANTHROPIC_API_KEY }')).toEqual([]);
    // A local server usually needs no key.
    expect(errorsOf('{ provider: openai-compatible, model: llama3.1, baseUrl: "http://127.0.0.1:11434/v1" }')).toEqual([]);
    expect(errorsOf('{ provider: openai, model: gpt-4.1, apiKeyEnv: K, headers: { api-key: "${env:AZURE_KEY}", x-route: eu } }')).toEqual([]);
  });

  it('asks for the variable that holds the key, naming the usual one', () => {
    expect(errorsOf('{ provider: openai, model: gpt-4.1 }')).toEqual([
      '5:21: model "main" uses openai and needs `apiKeyEnv`: the environment variable that holds its key (e.g. apiKeyEnv: OPENAI_API_KEY)',
    ]);
    expect(errorsOf('{ provider: anthropic, model: claude-haiku-4-5 }')).toEqual([
      '5:21: model "main" uses anthropic and needs `apiKeyEnv`: the environment variable that holds its key (e.g. apiKeyEnv: ANTHROPIC_API_KEY)',
    ]);
  });

  it('asks an openai-compatible model for its base URL', () => {
    expect(errorsOf('{ provider: openai-compatible, model: llama3.1 }')).toEqual(['5:21: model "main" uses openai-compatible and needs `baseUrl` (e.g. http://127.0.0.1:11434/v1 for Ollama)']);
  });

  it('refuses a credential written into a header, without repeating it', () => {
    const errors = errorsOf('{ provider: openai, model: gpt-4.1, apiKeyEnv: K, headers: { Authorization: "Bearer sk-live-123" } }');
    expect(errors).toEqual([
      '5:85: header "Authorization" carries a credential: write "${env:NAME}", declare NAME in env: and set it in the environment, so the secret stays out of the file and its journals',
    ]);
    expect(errors.join('\n')).not.toContain('sk-live-123');
  });

  it('rejects a key where a variable name belongs, and a bad URL', () => {
    const errors = errorsOf('{ provider: openai, model: gpt-4.1, apiKeyEnv: "sk-live 123", baseUrl: "ftp://x" }');
    expect(errors.some((e) => e.includes('expected an environment variable name'))).toBe(true);
    expect(errors.some((e) => e.includes('expected an http:// or https:// URL'))).toBe(true);
  });

  it('still checks a model whose other fields are wrong', () => {
    // maxOutputTokens fails the schema; the missing key is still reported beside it.
    const errors = errorsOf('{ provider: anthropic, model: claude-haiku-4-5, maxOutputTokens: -1 }');
    expect(errors.some((e) => e.includes('needs `apiKeyEnv`'))).toBe(true);
  });
});
