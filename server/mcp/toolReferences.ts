import { didYouMean } from '../../protocol/squadDiagnostic';
import type { SquadFile } from '../../protocol/squadFile';

/** Tool names a problem lists (a server may list up to a thousand). */
const MAX_NAMES_LISTED = 50;

/**
 * The tool names a squad file commits to (script calls, `server.tool` entries of an agent's
 * `tools`) checked against the tools its servers actually list. The file's own checks cannot do
 * this: only a started server knows its tools. Returns one problem per unknown tool and place.
 */
export function checkToolReferences(squad: SquadFile, listed: ReadonlyMap<string, readonly string[]>): { server: string; reason: string }[] {
  const problems = new Map<string, { server: string; reason: string }>();
  const check = (name: string, where: string) => {
    const dot = name.indexOf('.');
    const server = name.slice(0, dot);
    const tool = name.slice(dot + 1);
    const tools = listed.get(server);
    if (!tools || tool === '*' || tools.includes(tool)) return;
    const names = tools.length > MAX_NAMES_LISTED ? `${tools.slice(0, MAX_NAMES_LISTED).join(', ')} and ${tools.length - MAX_NAMES_LISTED} more` : tools.join(', ') || 'nothing';
    const reason = `${where}: no tool "${tool}"${didYouMean(tool, tools)} (it lists: ${names})`;
    problems.set(reason, { server, reason });
  };
  for (const [agent, config] of Object.entries(squad.agents)) {
    config.tools.forEach((pattern, i) => check(pattern, `agents.${agent}.tools[${i}]`));
    config.script.forEach((step, s) => {
      const calls = step.tool === undefined ? [] : Array.isArray(step.tool) ? step.tool : [step.tool];
      for (const call of calls) check(call.name, `agents.${agent}.script[${s}].tool`);
    });
  }
  return [...problems.values()];
}
