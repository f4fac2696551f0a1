import { createReadStream } from 'node:fs';
import { z } from 'zod';
import { COSTED_EVENT_TYPES } from '../../protocol/runAccount';
import { describeError, JournalError } from '../store/journalError';

export interface JournalSpend {
  /** The run's tenant (from `run.started`); null for a file that is not a run's journal. */
  tenant: string | null;
  costUsd: number;
}

const COST_KEY = '"costUsd":';

/**
 * The two shapes this pass reads, as schemas (a journal is wire data: it may be edited, torn or from
 * another version). Only the fields used are checked, so the rest of a line costs nothing; the
 * event's full schema is the replay's business.
 */
const COSTED = new Set<string>(COSTED_EVENT_TYPES);
const RunStartedTenantSchema = z.object({ type: z.literal('run.started'), tenant: z.string() });
const CostedLineSchema = z.object({ type: z.string().refine((t) => COSTED.has(t)), costUsd: z.number() });

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
      const started = RunStartedTenantSchema.safeParse(parse(line));
      if (started.success) tenant = started.data.tenant;
      return;
    }
    if (!line.includes(COST_KEY)) return;
    const costed = CostedLineSchema.safeParse(parse(line));
    if (costed.success) costUsd += costed.data.costUsd;
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

/** A line as JSON, or undefined when it is not (a torn last line): the schemas then refuse it. */
function parse(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
