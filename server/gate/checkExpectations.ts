import { compileResultPattern, type TestExpectations } from '../../protocol/squadFile';
import type { RunFacts } from './runFacts';

/** One expectation a run did not meet: the key, what the run did, and what the case allows. */
export interface ExpectationFailure {
  expectation: keyof TestExpectations;
  /** The run's figure and the case's limit, as shown (`$0.0612`, `41 turns`, `"halted"`). */
  actual: string;
  expected: string;
  message: string;
}

/**
 * Checks a finished run against a case's expectations, each key on its own, in the order of the
 * schema: every unmet one is reported (not only the first), so one CI run says all that is wrong.
 */
export function checkExpectations(expect: TestExpectations, run: RunFacts): ExpectationFailure[] {
  const failures: ExpectationFailure[] = [];
  const fail = (expectation: keyof TestExpectations, actual: string, expected: string, message: string) => failures.push({ expectation, actual, expected, message });
  const tripped = run.trips.map((t) => t.kind);

  if (expect.status !== undefined && run.status !== expect.status) {
    fail('status', run.status, expect.status, `status: the run ${run.status}${run.reason ? ` (${run.reason})` : ''}, expected ${expect.status}`);
  }
  if (expect.maxCostUsd !== undefined && run.costUsd > expect.maxCostUsd) {
    fail('maxCostUsd', usd(run.costUsd), usd(expect.maxCostUsd), `maxCostUsd: the run cost ${usd(run.costUsd)}, over the limit of ${usd(expect.maxCostUsd)}`);
  }
  if (expect.maxTurns !== undefined && run.turns > expect.maxTurns) {
    fail('maxTurns', String(run.turns), String(expect.maxTurns), `maxTurns: the run took ${run.turns} turns, over the limit of ${expect.maxTurns}`);
  }
  if (expect.maxVirtualMs !== undefined && run.virtualMs > expect.maxVirtualMs) {
    fail('maxVirtualMs', `${run.virtualMs} ms`, `${expect.maxVirtualMs} ms`, `maxVirtualMs: the run took ${run.virtualMs} ms, over the limit of ${expect.maxVirtualMs} ms`);
  }
  if (expect.noTrips !== undefined) {
    const banned = expect.noTrips === true ? run.trips : run.trips.filter((t) => (expect.noTrips as string[]).includes(t.kind));
    if (banned.length > 0) {
      const list = banned.map((t) => `${t.kind}${t.count > 1 ? ` ×${t.count}` : ''} [${t.action}]: ${t.message}`).join('; ');
      fail('noTrips', banned.map((t) => t.kind).join(', '), expect.noTrips === true ? 'no trip' : `none of ${expect.noTrips.join(', ')}`, `noTrips: ${list}`);
    }
  }
  if (expect.trips !== undefined) {
    const missing = expect.trips.filter((k) => !tripped.includes(k));
    if (missing.length > 0) {
      const saw = tripped.length > 0 ? tripped.join(', ') : 'none';
      fail('trips', saw, expect.trips.join(', '), `trips: ${missing.join(', ')} did not trip (tripped: ${saw})`);
    }
  }
  if (expect.resultContains !== undefined) {
    const wanted = Array.isArray(expect.resultContains) ? expect.resultContains : [expect.resultContains];
    const missing = wanted.filter((w) => !(run.result ?? '').includes(w));
    if (missing.length > 0) {
      fail(
        'resultContains',
        excerpt(run.result),
        missing.map((m) => JSON.stringify(m)).join(', '),
        `resultContains: the result ${run.result === null ? 'is empty (no result)' : `does not contain ${missing.map((m) => JSON.stringify(m)).join(', ')}`}; result: ${excerpt(run.result)}`,
      );
    }
  }
  if (expect.resultMatches !== undefined && !compileResultPattern(expect.resultMatches).test(run.result ?? '')) {
    fail('resultMatches', excerpt(run.result), expect.resultMatches, `resultMatches: the result does not match ${expect.resultMatches}; result: ${excerpt(run.result)}`);
  }
  return failures;
}

/** Dollars to the millionth, trailing zeros cut: a limit of $0.05 reads `$0.05`, a figure `$0.061234`. */
function usd(value: number): string {
  return `$${value.toFixed(6).replace(/\.?0+$/, '')}`;
}

function excerpt(text: string | null): string {
  if (text === null) return '(none)';
  const flat = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}…` : flat);
}
