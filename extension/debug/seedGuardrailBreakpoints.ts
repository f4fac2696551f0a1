import * as vscode from 'vscode';
import { GuardrailKind } from '../../protocol/runEvent';
import { guardrailBreakpointName, guardrailOfBreakpoint } from './guardrailBreakpoints';

const SEEDED = 'squadStudio.guardrailBreakpointsSeeded';

/**
 * Puts one unticked `guardrail: <kind>` function breakpoint per guardrail kind in the Breakpoints
 * view, once per workspace, so "tick the kinds, then Debug" works before any session has run. A user
 * who removes them does not get them back (the workspace remembers it seeded them); kinds already
 * there are not added twice.
 */
export function seedGuardrailBreakpoints(state: vscode.Memento): void {
  if (state.get<boolean>(SEEDED)) return;
  const have = new Set(vscode.debug.breakpoints.flatMap((b) => (b instanceof vscode.FunctionBreakpoint ? [guardrailOfBreakpoint(b.functionName)] : [])));
  const missing = GuardrailKind.options.filter((kind) => !have.has(kind));
  if (missing.length) vscode.debug.addBreakpoints(missing.map((kind) => new vscode.FunctionBreakpoint(guardrailBreakpointName(kind), false)));
  void state.update(SEEDED, true);
}
