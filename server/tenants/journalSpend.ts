import { createReadStream } from 'node:fs';
import { COSTED_EVENT_TYPES } from '../../protocol/runAccount';
import type { RunEventType } from '../../protocol/runEvent';
import { describeError, JournalError } from '../store/journalError';

export interface JournalSpend {
  /** The run's tenant (from `run.started`); null for a file that is not a run's journal. */
  tenant: string | null;
  costUsd: number;
}

const COST_KEY = '"costUsd":';

/**
 * What a saved run cost, read from its journal in one streaming pass: a line is parsed only when it
 * holds a cost (a substring test first), so summing a day of journals costs little more than
 * reading them. The sum is the accounting fold's `totals.costUsd` for the same events. A torn or
 * unparsable line is skipped: this figure feeds a budget, not a replay.
 */
export async function spendOfJournal(path: string): Promise<JournalSpend> {
  let tenant: string | null = null;
  let costUsd = 0;
  let first = true;
  let rest = '';
  const take = (line: string): void => {
    if (first) {
      first = false;
      const started = parse(line);
      if (started?.type === 'run.started' && typeof started.tenant === 'string') tenant = started.tenant;
      return;
    }
    if (!line.includes(COST_KEY)) return;
    const event = parse(line);
    if (event && typeof event.type === 'string' && COSTED_EVENT_TYPES.has(event.type as RunEventType) && typeof event.costUsd === 'number' && Number.isFinite(event.costUsd)) costUsd += event.costUsd;
  };
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1024 * 1024 })) {
      const text = rest + (chunk as string);
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        take(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
    }
  } catch (error) {
    throw new JournalError(`${path}: cannot read the journal: ${describeError(error)}`, { path, cause: error });
  }
  return { tenant, costUsd };
}

function parse(line: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
