import { describe, expect, it } from 'vitest';
import { parseSquadFile } from './parseSquadFile';
import { closestName, didYouMean, type SquadDiagnostic } from './squadDiagnostic';
import { SquadFileSchema, type SquadFile } from './squadFile';
import { checkSquadReferences, referenceViewFromData, toolAllowed, validateSquadReferences, type SquadReferenceIssue } from './squadReferences';

interface AgentData {
  role: string;
  model: string;
  handoffs?: string[];
  asks?: string[];
  tools?: string[];
  script: Record<string, unknown>[];
}
interface Data {
  version: number;
  name: string;
  task: { entry: string; input: string };
  models: Record<string, unknown>;
  toolServers: Record<string, unknown>;
  agents: { lead: AgentData; coder: AgentData; tester: AgentData; expert: AgentData };
}

/** A valid squad as plain data; each test breaks one thing in a copy. */
function squadData(): Data {
  return {
    version: 1,
    name: 'review',
    task: { entry: 'lead', input: 'Review the PR.' },
    models: { fast: { provider: 'simulated', model: 'm' } },
    toolServers: { git: { command: 'git-mcp' }, web: { url: 'https://example.com/mcp' } },
    agents: {
      lead: {
        role: 'planner',
        model: 'fast',
        handoffs: ['coder', 'tester'],
        asks: ['expert'],
        tools: ['git.*'],
        script: [
          { tool: { name: 'git.diff' } },
          { ask: { agent: 'expert', question: 'Safe?' } },
          {
            handoff: [
              { to: 'coder', content: 'fix' },
              { to: 'tester', content: 'test' },
            ],
          },
          { waitFor: ['coder', 'tester'], finish: 'ok' },
        ],
      },
      coder: { role: 'worker', model: 'fast', handoffs: ['lead'], script: [{ handoff: { to: 'lead', content: 'done' } }] },
      tester: { role: 'checker', model: 'fast', handoffs: ['lead'], tools: ['web.search'], script: [] },
      expert: { role: 'worker', model: 'fast', script: [{ answer: 'yes' }] },
    },
  };
}

function issuesOf(mutate: (d: Data) => void): SquadReferenceIssue[] {
  const data = squadData();
  mutate(data);
  const squad: SquadFile = SquadFileSchema.parse(data);
  return validateSquadReferences(squad);
}

const error = (path: (string | number)[], message: string): SquadReferenceIssue => ({ path, message, severity: 'error' });

describe('validateSquadReferences', () => {
  it('accepts a squad whose references all resolve', () => {
    expect(issuesOf(() => {})).toEqual([]);
  });

  it('checks the entry', () => {
    expect(issuesOf((d) => (d.task.entry = 'leed'))).toEqual([error(['task', 'entry'], 'unknown entry agent "leed" (did you mean "lead"?)')]);
    expect(issuesOf((d) => (d.task.entry = 'boss'))).toEqual([error(['task', 'entry'], 'unknown entry agent "boss"')]);
  });

  it('checks each agent model', () => {
    expect(issuesOf((d) => (d.agents.coder.model = 'fats'))).toEqual([error(['agents', 'coder', 'model'], 'unknown model "fats" (did you mean "fast"?)')]);
  });

  it('checks handoffs and asks lists: declared agents, not itself, no repeats', () => {
    expect(
      issuesOf((d) => {
        d.agents.lead.handoffs = ['coder', 'tester', 'lead', 'coder'];
        d.agents.lead.asks = ['experts'];
        d.agents.expert.script = [];
      }),
    ).toEqual([
      error(['agents', 'lead', 'handoffs', 2], 'an agent cannot hand off to itself'),
      { path: ['agents', 'lead', 'handoffs', 3], message: '"coder" is listed twice in handoffs', severity: 'warning' },
      error(['agents', 'lead', 'asks', 0], 'unknown agent "experts" in asks (did you mean "expert"?)'),
      error(['agents', 'lead', 'script', 1, 'ask', 'agent'], '"lead" may not ask "expert": add "expert" to its asks'),
    ]);
  });

  it('checks the servers of tools patterns', () => {
    expect(issuesOf((d) => (d.agents.tester.tools = ['webb.search', 'gitlab.*']))).toEqual([
      error(['agents', 'tester', 'tools', 0], 'unknown tool server "webb" in tools (did you mean "web"?)'),
      error(['agents', 'tester', 'tools', 1], 'unknown tool server "gitlab" in tools'),
    ]);
  });

  it('checks handoff steps, one or a list, against the agent list and its handoffs', () => {
    expect(
      issuesOf((d) => {
        d.agents.lead.handoffs = ['coder'];
        d.agents.lead.script[2] = {
          handoff: [
            { to: 'coder', content: 'a' },
            { to: 'tester', content: 'b' },
            { to: 'qa', content: 'c' },
          ],
        };
        d.agents.coder.script = [{ handoff: { to: 'coder', content: 'me' } }];
      }),
    ).toEqual([
      error(['agents', 'lead', 'script', 2, 'handoff', 1, 'to'], '"lead" may not hand off to "tester": add "tester" to its handoffs'),
      error(['agents', 'lead', 'script', 2, 'handoff', 2, 'to'], 'unknown agent "qa" in handoff'),
      error(['agents', 'coder', 'script', 0, 'handoff', 'to'], 'an agent cannot hand off to itself'),
    ]);
  });

  it('checks ask steps', () => {
    expect(
      issuesOf((d) => {
        d.agents.lead.script[1] = { ask: { agent: 'lead', question: 'me?' } };
        d.agents.coder.script = [{ ask: { agent: 'expret', question: '?' } }];
        d.agents.tester.script = [{ ask: { agent: 'expert', question: '?' } }];
      }),
    ).toEqual([
      error(['agents', 'lead', 'script', 1, 'ask', 'agent'], 'an agent cannot ask itself'),
      error(['agents', 'coder', 'script', 0, 'ask', 'agent'], 'unknown agent "expret" in ask (did you mean "expert"?)'),
      error(['agents', 'tester', 'script', 0, 'ask', 'agent'], '"tester" may not ask "expert": add "expert" to its asks'),
    ]);
  });

  it('checks that a waitFor names an agent that can send to this one', () => {
    expect(
      issuesOf((d) => {
        d.agents.tester.handoffs = [];
        d.agents.lead.handoffs = ['coder'];
        d.agents.lead.script[2] = { handoff: { to: 'coder', content: 'fix' } };
        d.agents.lead.script[3] = { waitFor: ['coder', 'tester', 'expert', 'lead', 'ghost'], finish: 'ok' };
      }),
    ).toEqual([
      // coder hands off to lead (and returns lead's work); expert answers lead's question. tester,
      // which lead no longer hands work to, can never send to lead.
      error(['agents', 'lead', 'script', 3, 'waitFor', 1], '"tester" never sends to "lead": add "lead" to the handoffs of "tester"'),
      error(['agents', 'lead', 'script', 3, 'waitFor', 3], 'an agent cannot wait for itself'),
      error(['agents', 'lead', 'script', 3, 'waitFor', 4], 'unknown agent "ghost" in waitFor'),
    ]);
  });

  it('checks tool steps: a declared server, and a tool the agent may call', () => {
    expect(
      issuesOf((d) => {
        d.agents.lead.script[0] = { tool: [{ name: 'git.log' }, { name: 'web.search' }, { name: 'gti.diff' }] };
      }),
    ).toEqual([
      error(['agents', 'lead', 'script', 0, 'tool', 1, 'name'], '"lead" may not call "web.search": add "web.search" or "web.*" to its tools'),
      error(['agents', 'lead', 'script', 0, 'tool', 2, 'name'], 'unknown tool server "gti" in "gti.diff" (did you mean "git"?)'),
    ]);
  });
});

describe('referenceViewFromData: the checks on a file that failed the schema', () => {
  it('keeps every part that is valid on its own', () => {
    const data = squadData();
    Object.assign(data.agents.coder, { maxTurns: 'many' }); // a type error elsewhere
    data.agents.coder.handoffs = ['lead', 'leed'];
    expect(checkSquadReferences(referenceViewFromData(data))).toEqual([error(['agents', 'coder', 'handoffs', 1], 'unknown agent "leed" in handoffs (did you mean "lead"?)')]);
  });

  it('skips the checks whose inputs did not parse', () => {
    const data = squadData();
    data.models = {};
    Object.assign(data.agents.lead, { handoffs: 'coder' }); // not a list
    data.agents.lead.script[2] = { handoff: [{ to: 'qa' }] }; // a step that did not parse
    expect(checkSquadReferences(referenceViewFromData(data))).toEqual([]);
    expect(checkSquadReferences(referenceViewFromData('not a squad'))).toEqual([]);
    expect(checkSquadReferences(referenceViewFromData(null))).toEqual([]);
  });
});

describe('toolAllowed', () => {
  it('matches exact names and server wildcards', () => {
    expect(toolAllowed('git.diff', ['git.diff'])).toBe(true);
    expect(toolAllowed('git.diff', ['git.*'])).toBe(true);
    expect(toolAllowed('git.repo.diff', ['git.*'])).toBe(true);
    expect(toolAllowed('github.diff', ['git.*'])).toBe(false);
    expect(toolAllowed('git.diff', ['git.log'])).toBe(false);
    expect(toolAllowed('git.diff', [])).toBe(false);
  });
});

describe('didYouMean', () => {
  it('suggests a close name, ignoring case, and nothing for a distant one', () => {
    expect(didYouMean('finacials', ['planner', 'financials'])).toBe(' (did you mean "financials"?)');
    expect(didYouMean('Planner', ['planner'])).toBe(' (did you mean "planner"?)');
    expect(closestName('paln', ['plan', 'pain'])).toBe('plan'); // a swap is one edit
    expect(didYouMean('qa', ['coder', 'tester'])).toBe('');
    expect(didYouMean('x', ['y'])).toBe('');
  });
});

describe('references in a file: each error at the scalar that is wrong', () => {
  const FILE = `version: 1
name: review
task: { entry: lead, input: Review the PR. }
models:
  fast: { provider: simulated, model: m }
toolServers:
  git: { command: git-mcp }
agents:
  lead:
    role: planner
    model: fats
    tools: [git.*, gitt.log]
    handoffs: [coder, lead]
    asks: []
    script:
      - tool: [{ name: git.diff }, { name: jira.issue }]
      - ask: { agent: expert, question: Safe? }
      - handoff:
          - to: coder
            content: fix it
          - to: tester
            content: test it
      - waitFor: [coder]
        finish: done
  coder:
    role: worker
    model: fast
`;
  const at = (d: SquadDiagnostic) => `${d.line}:${d.col}-${d.endLine}:${d.endCol}: ${d.message}`;

  it('reports each at its exact position and path', () => {
    const result = parseSquadFile(FILE, 'review.squad.yaml');
    if (result.ok) throw new Error('expected errors');
    expect(result.errors.map(at)).toEqual([
      '11:12-11:16: unknown model "fats" (did you mean "fast"?)',
      '12:20-12:28: unknown tool server "gitt" in tools (did you mean "git"?)',
      '13:23-13:27: an agent cannot hand off to itself',
      '16:44-16:54: unknown tool server "jira" in "jira.issue"',
      '17:23-17:29: unknown agent "expert" in ask',
      '21:17-21:23: unknown agent "tester" in handoff',
      // coder is in lead's handoffs, so its `finish` returns to lead: waiting for it is fine.
    ]);
    expect(result.errors.map((d) => d.path)).toEqual([
      ['agents', 'lead', 'model'],
      ['agents', 'lead', 'tools', 1],
      ['agents', 'lead', 'handoffs', 1],
      ['agents', 'lead', 'script', 0, 'tool', 1, 'name'],
      ['agents', 'lead', 'script', 1, 'ask', 'agent'],
      ['agents', 'lead', 'script', 2, 'handoff', 1, 'to'],
    ]);
  });

  it('reports warnings without failing the parse', () => {
    const text = FILE.replace('fats', 'fast')
      .replace('gitt.log', 'git.log')
      .replace('[coder, lead]', '[coder, coder]')
      .replace('jira.issue', 'git.log')
      .replace('agent: expert', 'agent: coder')
      .replace('asks: []', 'asks: [coder]')
      .replace('to: tester', 'to: coder')
      .replace('    role: worker\n    model: fast\n', '    role: worker\n    model: fast\n    handoffs: [lead]\n');
    const result = parseSquadFile(text, 'review.squad.yaml');
    if (!result.ok) throw new Error(result.errors.map(at).join('\n'));
    expect(result.warnings.map(at)).toEqual(['13:23-13:28: "coder" is listed twice in handoffs']);
    expect(result.warnings[0]?.severity).toBe('warning');
  });
});
