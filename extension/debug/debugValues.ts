import { Handles } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Longest string shown inline; the whole text is one click away (expand) or in the console. */
const INLINE_CHARS = 120;

/**
 * Plain data → DAP variables. Objects and arrays get a handle (expandable), strings longer than a
 * line show their start and expand to the whole text. Handles live until the run moves on: the
 * session calls `reset` on every resume, as DAP requires.
 */
export class DebugValues {
  private readonly handles = new Handles<unknown>();

  reset(): void {
    this.handles.reset();
  }

  /** A handle for a value shown as a scope or an expandable result. */
  handle(value: unknown): number {
    return this.handles.create(value);
  }

  variables(ref: number): DebugProtocol.Variable[] {
    const value = this.handles.get(ref);
    if (typeof value === 'string') return value.split('\n').map((line, i) => ({ name: String(i + 1), value: line, variablesReference: 0 }));
    if (Array.isArray(value)) return value.map((v, i) => this.variable(String(i), v));
    if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => this.variable(k, v));
    return [];
  }

  /** How one value reads in the Variables view or as an evaluate result. */
  describe(value: unknown): { result: string; variablesReference: number } {
    if (Array.isArray(value)) return { result: `Array(${value.length})`, variablesReference: value.length ? this.handle(value) : 0 };
    if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value);
      return { result: `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`, variablesReference: keys.length ? this.handle(value) : 0 };
    }
    if (typeof value === 'string') {
      const long = value.length > INLINE_CHARS || value.includes('\n');
      const shown = long ? `${value.slice(0, INLINE_CHARS).split('\n')[0]}…` : value;
      return { result: JSON.stringify(shown), variablesReference: long ? this.handle(value) : 0 };
    }
    if (typeof value === 'number') return { result: Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6))), variablesReference: 0 };
    return { result: value === undefined ? 'undefined' : JSON.stringify(value), variablesReference: 0 };
  }

  private variable(name: string, value: unknown): DebugProtocol.Variable {
    const { result, variablesReference } = this.describe(value);
    return { name, value: result, variablesReference, evaluateName: /^[A-Za-z_]\w*$/.test(name) ? name : undefined };
  }
}
