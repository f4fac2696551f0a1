import { GuardrailKind } from '../../protocol/runEvent';

/**
 * Guardrail breakpoints as function breakpoints named `guardrail: <kind>`. VS Code shows a
 * debugger's exception filters only once a session of it has started, while function breakpoints are
 * in the Breakpoints view at all times, with a checkbox each: so the extension adds one per kind
 * (unticked) when a squad workspace opens, and the user ticks them before starting to debug.
 */
export const GUARDRAIL_BREAKPOINT_PREFIX = 'guardrail: ';

export function guardrailBreakpointName(kind: GuardrailKind): string {
  return `${GUARDRAIL_BREAKPOINT_PREFIX}${kind}`;
}

/** The guardrail kind a function breakpoint names (`guardrail: chatter`, `Guardrail:loop`), or null. */
export function guardrailOfBreakpoint(name: string): GuardrailKind | null {
  const match = /^\s*guardrail\s*:\s*([a-z-]+)\s*$/i.exec(name);
  const kind = GuardrailKind.safeParse(match?.[1]?.toLowerCase());
  return kind.success ? kind.data : null;
}
