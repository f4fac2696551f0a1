import { describe, expect, it } from 'vitest';
import { parseSquadFile } from './parseSquadFile';
import { squadCapabilities } from './squadCapabilities';

function squad(body: string): string {
  return `version: 1
name: s
task: { entry: lead, input: Go. }
models:
  m: { provider: simulated, model: gpt-4.1 }
agents:
  lead: { role: planner, model: m }
${body}`;
}

const problems = (text: string) => {
  const r = parseSquadFile(text, 's.squad.yaml');
  return [...(r.ok ? [] : r.errors), ...r.warnings].map((d) => `${d.line}:${d.col}: ${d.severity}: ${d.message}`);
};

describe('env: declarations and literal credentials', () => {
  it('every read is declared: apiKeyEnv, model headers, tool server env and headers', () => {
    const text = squad(`env: [KEY, TOKEN]
toolServers:
  web: { url: "https://mcp.example/mcp", headers: { Authorization: "Bearer \${env:TOKEN}" } }
  local: { command: node, env: { API_TOKEN: "\${env:OTHER}" } }
`).replace('m: { provider: simulated, model: gpt-4.1 }', 'm: { provider: openai, model: gpt-4.1, apiKeyEnv: KEY }');
    expect(problems(text)).toEqual([
      '11:45: error: reads the environment variable OTHER, which the file does not declare: add OTHER to the top-level `env:` list (every variable a squad file reads is named there)',
    ]);
  });

  it('a declaration twice is an error, one nothing reads a warning', () => {
    expect(problems(squad('env: [A, A]\n'))).toEqual(['8:10: error: A is declared twice in env: (first at item 1)', '8:7: warning: A is declared in env: but nothing in the file reads it']);
  });

  it('literal credentials in tool server headers and env are errors at the value, never echoed', () => {
    const text = squad(`toolServers:
  web: { url: "https://mcp.example/mcp", headers: { X-Api-Key: "k-123456" , X-Trace: "ghp_abcdefghijklmnopqrstuvwxyz0123456789" } }
  local: { command: node, env: { DB_PASSWORD: hunter2, LOG_LEVEL: debug, TOKEN_FILE: /run/token } }
`);
    const found = problems(text);
    expect(found).toHaveLength(3);
    expect(found.join('\n')).toMatch(/9:64: error: header "X-Api-Key" carries a credential/);
    expect(found.join('\n')).toMatch(/header "X-Trace" carries a credential/);
    expect(found.join('\n')).toMatch(/10:47: error: DB_PASSWORD holds a credential written into the file/);
    for (const f of found) expect(f).not.toMatch(/hunter2|k-123456|ghp_/);
  });

  it('warns where ${env:…} would be sent as written', () => {
    expect(problems(squad('toolServers:\n  local: { command: node, args: ["--key=${env:X}"] }\n'))).toEqual([
      '9:34: warning: "${env:…}" is not expanded here (only model headers, tool server env and headers read variables): it is used as written',
    ]);
  });

  it('names what a file can start, read and reach', () => {
    const r = parseSquadFile(
      squad('env: [K]\ntoolServers:\n  b: { command: node, args: [x.js], replicas: 2 }\n').replace(
        'm: { provider: simulated, model: gpt-4.1 }',
        'm: { provider: anthropic, model: claude, apiKeyEnv: K }',
      ),
      's.squad.yaml',
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(squadCapabilities(r.squad)).toEqual({
      commands: [{ server: 'b', command: 'node', args: ['x.js'], cwd: null, replicas: 2, field: 'toolServers.b.command' }],
      env: ['K'],
      hosts: [{ url: 'https://api.anthropic.com', host: 'api.anthropic.com', field: 'models.m.provider' }],
    });
  });
});
